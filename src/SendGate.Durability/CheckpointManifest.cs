using System.Globalization;
using System.Text.Json;

namespace SendGate.Durability;

/// <summary>One file of a checkpoint, as it was when the checkpoint completed.</summary>
public sealed record ManifestFile(string Path, long Bytes, string Crc32C);

/// <summary>
/// Vouches for one FASTER checkpoint: written (temporary file, flushed, renamed) only after the
/// checkpoint is complete on disk, with a CRC-32C of each of its files. A checkpoint without a
/// manifest was interrupted; one whose files no longer match is corrupt. Either way recovery
/// passes over it to the one before. The manifest also says, for operators, what the
/// checkpoint holds; the authoritative feed position is the FASTER commit cookie.
/// <see cref="Snapshot"/> names the hot-index snapshot taken with the checkpoint (same feed
/// position, carried in the snapshot itself and checked on load), <see cref="NewestChange"/> the
/// newest change time the snapshot cannot tell. A checkpoint of FASTER's log alone names in
/// <see cref="IndexToken"/> the full checkpoint whose hash index it is recovered over (its files are
/// listed and checked here too), and in <see cref="IndexLogBytes"/> the log's size when that index was written.
/// </summary>
public sealed record CheckpointManifest(
    long Sequence,
    Guid Token,
    DateTimeOffset Created,
    string HashingKeyId,
    string Position,
    long Tuples,
    long Closures,
    long LogBytes,
    double Seconds,
    IReadOnlyList<ManifestFile> Files,
    string? Snapshot = null,
    uint NewestChange = 0,
    Guid? IndexToken = null,
    long IndexLogBytes = 0)
{
    /// <summary>The full checkpoint whose hash index this one is recovered over: itself unless it is of the log alone.</summary>
    public Guid Base => IndexToken ?? Token;

    /// <summary>The log's size when <see cref="Base"/>'s hash index was written.</summary>
    public long BaseLogBytes => IndexToken is null ? LogBytes : IndexLogBytes;

    private const string Suffix = ".manifest.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string FileName(long sequence) => sequence.ToString("D12", CultureInfo.InvariantCulture) + Suffix;

    /// <summary>Manifests in <paramref name="directory"/>, newest first; unreadable ones are returned as failures.</summary>
    public static IEnumerable<(string Path, CheckpointManifest? Manifest, string? Error)> List(string directory)
    {
        if (!Directory.Exists(directory))
        {
            yield break;
        }

        foreach (string path in Directory.EnumerateFiles(directory, "*" + Suffix).Order(StringComparer.Ordinal).Reverse())
        {
            CheckpointManifest? manifest = null;
            string? error = null;
            try
            {
                manifest = JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllBytes(path), Json);
                error = manifest is null ? "empty manifest" : null;
            }
            catch (Exception exception) when (exception is JsonException or IOException)
            {
                error = "unreadable manifest: " + exception.Message;
            }

            yield return (path, manifest, error);
        }
    }

    /// <summary>Checksums <paramref name="files"/> (paths relative to <paramref name="root"/> are recorded).</summary>
    public static IReadOnlyList<ManifestFile> Describe(string root, IEnumerable<string> files) =>
        files.Select(file => new ManifestFile(System.IO.Path.GetRelativePath(root, file), new FileInfo(file).Length, Checksum(file))).ToList();

    public void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, FileName(Sequence));
        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, Json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Null when every file is present with its recorded length and checksum; otherwise what is wrong.</summary>
    public string? Verify(string root)
    {
        foreach (var file in Files)
        {
            string path = System.IO.Path.Combine(root, file.Path);
            if (!File.Exists(path))
            {
                return $"{file.Path} is missing";
            }

            long bytes = new FileInfo(path).Length;
            if (bytes != file.Bytes)
            {
                return $"{file.Path} has {bytes} bytes, {file.Bytes} expected";
            }

            if (Checksum(path) != file.Crc32C)
            {
                return $"{file.Path} fails its CRC-32C";
            }
        }

        return Files.Count == 0 ? "the manifest lists no files" : null;
    }

    private static string Checksum(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        uint crc = Core.Hashing.Crc32C.Initial;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            crc = Core.Hashing.Crc32C.Append(crc, buffer.AsSpan(0, read));
        }

        return Core.Hashing.Crc32C.Finish(crc).ToString("x8", CultureInfo.InvariantCulture);
    }
}
