using Microsoft.Extensions.Logging;

namespace SendGate.Durability;

/// <summary>Durable-state log events: tokens, positions, counts and sizes — never a recipient.</summary>
internal static partial class DurabilityLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Durable state in {Path}: recovering the newest valid checkpoint")]
    public static partial void Recovering(ILogger logger, string path);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Checkpoint {Manifest} passed over: {Reason}; falling back to the one before")]
    public static partial void CheckpointPassedOver(ILogger logger, string manifest, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Recovered checkpoint {Sequence} ({Token}, taken {Created:o}): {Tuples} tuples, {Closures} closures, resuming {Position}; FASTER {FasterSeconds:F1} s, hot index restored (snapshot or log) in {RebuildSeconds:F1} s")]
    public static partial void Recovered(ILogger logger, long sequence, Guid token, DateTimeOffset created, long tuples, long closures, string position, double fasterSeconds, double rebuildSeconds);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "No valid checkpoint in {Path}: starting empty, the feed replays from its beginning")]
    public static partial void NoCheckpoint(ILogger logger, string path);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Rebuilding the hot index from the durable log: {Percent:F0}%")]
    public static partial void RebuildProgress(ILogger logger, double percent);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Checkpoint {Sequence} starting at {Position}")]
    public static partial void CheckpointStarting(ILogger logger, long sequence, string position);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Checkpoint {Sequence} ({Token}, {Kind}) taken in {Seconds:F2} s, the feed held {HeldMilliseconds:F1} ms: {Tuples} tuples, {Closures} closures, log {LogBytes} bytes, checkpoint files {CheckpointBytes} bytes")]
    public static partial void CheckpointTaken(ILogger logger, long sequence, Guid token, string kind, double seconds, double heldMilliseconds, long tuples, long closures, long logBytes, long checkpointBytes);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Error, Message = "Checkpoint {Sequence} failed (the state stays recoverable from the previous one; retrying next interval): {Reason}")]
    public static partial void CheckpointFailed(ILogger logger, long sequence, string reason);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Information, Message = "Pruned checkpoint {Token}")]
    public static partial void Pruned(ILogger logger, Guid token);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Index snapshot {File} written with checkpoint {Sequence}: {Bytes} bytes in {Seconds:F2} s; the feed waited {WaitedMilliseconds:F1} ms for it (inserts that had to move an entry)")]
    public static partial void SnapshotWritten(ILogger logger, string file, long sequence, long bytes, double seconds, double waitedMilliseconds);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Hot index loaded from snapshot {File}: {Tuples} tuples, {Closures} closures, {Bytes} bytes in {Seconds:F2} s")]
    public static partial void SnapshotLoaded(ILogger logger, string file, long tuples, long closures, long bytes, double seconds);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Warning, Message = "Index snapshot of checkpoint {Sequence} not used ({Reason}): rebuilding the hot index from the durable log")]
    public static partial void SnapshotUnusable(ILogger logger, long sequence, string reason);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Information, Message = "Checkpoint {Sequence}: writing index snapshot {File}")]
    public static partial void SnapshotStarting(ILogger logger, long sequence, string file);
}
