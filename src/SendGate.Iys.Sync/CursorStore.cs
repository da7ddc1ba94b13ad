using System.Globalization;
using System.Text.Json;

namespace SendGate.Iys.Sync;

/// <summary>
/// Where one brand and source stand in İYS's PULL: the opaque cursor to continue <see cref="After"/>, the newest
/// change published, when the stream was last seen caught up, how many events it has published in all, and how many
/// changes of each recent İYS day it received (<see cref="DayCounts"/>: what reconciliation compares with İYS's daily
/// summary). Kept together in one file so that a page pulled twice after a crash is counted once.
/// </summary>
public sealed record SyncCursor(uint Brand, string Source, string? After, DateTimeOffset? NewestChange, DateTimeOffset? CaughtUpAt, long Events,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>? Days = null)
{
    public static SyncCursor Start(uint brand, string source) => new(brand, source, null, null, null, 0);
}

/// <summary>
/// One small JSON file per brand and source under Iys:CursorPath, replaced atomically (written, flushed to disk,
/// renamed) only after the events it moves past were acknowledged by Kafka — so a crash re-publishes a page and
/// never skips one. An unreadable cursor starts that stream again from the oldest change İYS keeps (the gate's
/// newest-wins rule makes the repeats harmless) and says so.
/// </summary>
internal sealed class CursorStore(string directory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>The stored cursor, a fresh one when there is none, and a sentence when the stored one was unreadable.</summary>
    public SyncCursor Load(uint brand, string source, out string? problem)
    {
        problem = null;
        string path = PathOf(brand, source);
        if (!File.Exists(path))
        {
            return SyncCursor.Start(brand, source);
        }

        try
        {
            var cursor = JsonSerializer.Deserialize<SyncCursor>(File.ReadAllBytes(path), Json);
            if (cursor is not null && cursor.Brand == brand && cursor.Source == source)
            {
                return cursor;
            }

            problem = $"{path} belongs to another brand or source";
        }
        catch (JsonException exception)
        {
            problem = $"{path} is not a cursor ({exception.Message})";
        }

        return SyncCursor.Start(brand, source);
    }

    public void Save(SyncCursor cursor) => DurableJson.Replace(PathOf(cursor.Brand, cursor.Source), cursor, Json);

    public string PathOf(uint brand, string source) => Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"{brand}-{source}.cursor.json"));
}
