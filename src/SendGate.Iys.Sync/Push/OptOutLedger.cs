using System.Text.Json;

namespace SendGate.Iys.Sync.Push;

/// <summary>Where one refusal stands with İYS.</summary>
public enum UploadState
{
    /// <summary>In a bulk write İYS has taken but not yet answered (its requestId is kept).</summary>
    Submitted,

    /// <summary>İYS recorded it (its transactionId is kept).</summary>
    Accepted,

    /// <summary>İYS refused it (its error code and message are kept); it is not uploaded again.</summary>
    Refused,

    /// <summary>The sealed address could not be opened (sealed under another key): it cannot be uploaded.</summary>
    Unreadable,

    /// <summary>İYS never gave a final answer about its bulk write within the 60 days it keeps request ids: the outcome is unknown.</summary>
    Unanswered,
}

/// <summary>
/// What the ledger keeps of one refusal: no address, only its key and what İYS said — and, while İYS has not answered,
/// when the bulk write was submitted and when İYS was last asked about it (İYS is first asked 300 s after the write).
/// </summary>
public sealed record UploadEntry(string Id, uint Brand, string Channel, string RecipientType, string RecipientKey, string Source, DateTimeOffset RefusedAt,
    UploadState State, string? RequestId, int Index, string? TransactionId, string? Code, string? Message, DateTimeOffset UpdatedAt,
    uint IysCode = 0, DateTimeOffset? SubmittedAt = null, DateTimeOffset? AskedAt = null);

/// <summary>
/// The push's memory, one small file per refusal under <c>{Iys:CursorPath}/optouts/</c>, replaced atomically: a
/// refusal with an entry is never uploaded again — a submitted one is only asked about, a final one left alone.
/// </summary>
internal sealed class OptOutLedger(string cursorPath)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
    private readonly string _directory = Path.Combine(cursorPath, "optouts");

    public UploadEntry? Find(string id)
    {
        string path = PathOf(id);
        return File.Exists(path) ? JsonSerializer.Deserialize<UploadEntry>(File.ReadAllBytes(path), Json) : null;
    }

    /// <summary>Every refusal İYS has taken but not yet answered.</summary>
    public IReadOnlyList<UploadEntry> Submitted() =>
        !Directory.Exists(_directory) ? [] :
        [.. Directory.EnumerateFiles(_directory, "*.json").Select(path => JsonSerializer.Deserialize<UploadEntry>(File.ReadAllBytes(path), Json)!).Where(entry => entry.State == UploadState.Submitted)];

    public void Save(UploadEntry entry) => DurableJson.Replace(PathOf(entry.Id), entry, Json);

    // Ids are 32 hex digits made by the gate; anything else cannot name a file here.
    private string PathOf(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigit)
        ? Path.Combine(_directory, id + ".json")
        : throw new FormatException("an opt-out id is 32 hex digits");
}
