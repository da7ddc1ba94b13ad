using System.ComponentModel.DataAnnotations;

namespace SendGate.Durability;

/// <summary>Durable state: where it lives and how often it is checkpointed. Off unless a path is set.</summary>
public sealed class DurabilityOptions
{
    public const string SectionName = "Durability";

    /// <summary>Directory for the FASTER log, its checkpoints and their manifests. Unset: no durable state (every start replays the feed).</summary>
    public string? Path { get; set; }

    /// <summary>Time between scheduled checkpoints; one is also taken at graceful shutdown.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Write the hot index's snapshot with every checkpoint, so that a restart loads it at
    /// sequential-I/O speed instead of rebuilding the index from the whole log (seconds against
    /// minutes at 10^8). A missing or corrupt snapshot falls back to the rebuild.
    /// </summary>
    public bool IndexSnapshots { get; set; } = true;

    /// <summary>
    /// Log growth, MiB, after which a checkpoint writes FASTER's hash index again (a full checkpoint); below it a
    /// checkpoint writes the log's new pages alone and is recovered over the last full one, FASTER replaying the log
    /// between the two into the index. At 10^8 records the hash index is a 1 GB write, which on a disk shared with
    /// the broker delays the feed for seconds; this bounds what a restart replays instead. 0: every checkpoint full.
    /// </summary>
    [Range(0, 1 << 20)]
    public int IndexCheckpointLogMiB { get; set; } = 1024;

    /// <summary>Checkpoints kept: the newest, plus fallbacks should it turn out unreadable (and the full checkpoints they build on).</summary>
    [Range(2, 100)]
    public int KeepCheckpoints { get; set; } = 3;

    /// <summary>Memory for FASTER's in-memory log tail (records beyond it are read from disk by Explain), MiB.</summary>
    [Range(16, 1 << 20)]
    public int LogMemoryMiB { get; set; } = 256;

    /// <summary>FASTER log page, KiB (rounded up to a power of two).</summary>
    [Range(64, 1 << 20)]
    public int PageKiB { get; set; } = 4096;
}
