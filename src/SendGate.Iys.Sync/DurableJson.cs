using System.Text.Json;

namespace SendGate.Iys.Sync;

/// <summary>
/// The connector's small state files (cursors, the push ledger, the token cache): written to a temporary file, flushed
/// to disk and renamed over the old one, so a crash leaves either the old or the new file, never half of one. A secret
/// (the token cache) is created readable by its owner only.
/// </summary>
internal static class DurableJson
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Replace<T>(string path, T value, JsonSerializerOptions options, bool secret = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = path + ".tmp";
        var mode = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (secret && !OperatingSystem.IsWindows())
        {
            mode.UnixCreateMode = OwnerOnly;
            File.Delete(temporary); // UnixCreateMode applies to a file created now, not to a leftover one
        }

        using (var stream = new FileStream(temporary, mode))
        {
            JsonSerializer.Serialize(stream, value, options);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
