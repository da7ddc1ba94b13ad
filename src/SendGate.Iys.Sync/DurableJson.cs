using System.Text.Json;

namespace SendGate.Iys.Sync;

/// <summary>
/// The connector's small state files (cursors, the push ledger): written to a temporary file, flushed to disk and
/// renamed over the old one, so a crash leaves either the old or the new file, never half of one.
/// </summary>
internal static class DurableJson
{
    public static void Replace<T>(string path, T value, JsonSerializerOptions options)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, value, options);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
