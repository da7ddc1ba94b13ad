using System.Globalization;
using System.Text.Json;

namespace SendGate.IysSimulator;

/// <summary>
/// One change İYS holds for a brand, as PULL and the daily change file give it back. <see cref="CreatedAt"/> is when
/// İYS recorded it (its <c>creationDate</c>); PULL orders by it and withholds the last hour of it.
/// </summary>
public sealed record SimulatedChange(
    long Sequence,
    uint BrandCode,
    string Type,
    string RecipientType,
    string Recipient,
    string Status,
    string? ConsentDate,
    string? Source,
    DateTimeOffset CreatedAt,
    string TransactionId,
    string? CitizenName,
    int? RetailerCode = null)
{
    private static readonly TimeSpan IysOffset = TimeSpan.FromHours(3);

    /// <summary><c>HS</c> for the provider's own changes, <c>IYS</c> for the ones citizens made in İYS.</summary>
    public string SourceKind => Source is { } source && source.StartsWith("IYS", StringComparison.Ordinal) ? "IYS" : "HS";

    /// <summary>İYS's time format: <c>YYYY-MM-DD HH:mm:ss</c> in GMT+3.</summary>
    public static string IysTime(DateTimeOffset time) => time.ToOffset(IysOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static bool TryParseIysTime(string? text, out DateTimeOffset time)
    {
        bool parsed = DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local);
        time = parsed ? new DateTimeOffset(local, IysOffset) : default;
        return parsed;
    }

    /// <summary>The change as a PULL item: no iysCode/brandCode (they are in the path), no retailer fields, and a citizen's name when İYS has one.</summary>
    public void WritePullItem(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        if (ConsentDate is not null)
        {
            json.WriteString("consentDate", ConsentDate);
        }

        json.WriteString("creationDate", IysTime(CreatedAt));
        if (Source is not null)
        {
            json.WriteString("source", Source);
        }

        json.WriteString("recipient", Recipient);
        json.WriteString("recipientType", RecipientType);
        json.WriteString("status", Status);
        json.WriteString("type", Type);
        json.WriteString("transactionId", TransactionId);
        if (CitizenName is not null)
        {
            json.WriteString("citizenName", CitizenName);
        }

        json.WriteEndObject();
    }

    /// <summary>The change as a row of the daily change file (creationDate, transactionId, recipient, recipientType, type, status, consentDate, source).</summary>
    public string CsvRow() => string.Join(',', IysTime(CreatedAt), TransactionId, Recipient, RecipientType, Type, Status, ConsentDate ?? string.Empty, Source ?? string.Empty);

    public const string CsvHeader = "creationDate,transactionId,recipient,recipientType,type,status,consentDate,source";
}
