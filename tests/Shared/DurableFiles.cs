using System.Text.Json;
using SendGate.Durability;

namespace SendGate.Tests.Support;

/// <summary>What a disk fault does to durable state, done on purpose.</summary>
public static class DurableFiles
{
    /// <summary>
    /// Flips one byte in the largest file of the newest checkpoint (by its manifest) under <paramref name="dataPath"/>:
    /// one of its own, not of the full checkpoint a checkpoint of the log alone builds on.
    /// </summary>
    public static void CorruptNewestCheckpoint(string dataPath)
    {
        string newest = Directory.GetFiles(Path.Combine(dataPath, "manifests"), "*.manifest.json").Order(StringComparer.Ordinal).Last();
        var manifest = JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllText(newest))!;
        string own = manifest.Token.ToString();
        string victim = Path.Combine(dataPath, "checkpoints", manifest.Files.Where(f => f.Path.Contains(own, StringComparison.Ordinal)).OrderByDescending(f => f.Bytes).First().Path);
        using var stream = new FileStream(victim, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = stream.Length / 3;
        int original = stream.ReadByte();
        stream.Position = stream.Length / 3;
        stream.WriteByte((byte)(original ^ 0x5A));
    }
}
