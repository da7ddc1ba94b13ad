namespace SendGate.Feed.Status;

/// <summary>
/// A position in a change source: for Kafka a topic partition's next offset to apply and the
/// partition's end (high watermark) as last seen, -1 when not known; for a file, "file:NAME",
/// partition 0, lines applied.
/// </summary>
public sealed record FeedPosition(string Topic, int Partition, long Offset, long End = -1)
{
    /// <summary>Messages known to exist beyond what is applied.</summary>
    public long Lag => End < 0 ? 0 : Math.Max(0, End - Offset);
}

/// <summary>What the feed has done, as the watermark of every answer reports it.</summary>
public sealed record FeedProgress(IReadOnlyList<FeedPosition> Positions, DateTimeOffset? FreshAsOf, bool CaughtUp)
{
    public long Lag => Positions.Sum(p => p.Lag);

    public static FeedProgress Initial { get; } = new([], null, false);
}

/// <summary>
/// The feed's latest progress, published by the feed (one writer) and read by every request:
/// an immutable snapshot swapped atomically. <see cref="CaughtUp"/> completes once the initial
/// load is applied — until then the gate reports NOT_SERVING.
/// </summary>
public sealed class FeedStatus
{
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FeedProgress _current = FeedProgress.Initial;

    public FeedProgress Current => Volatile.Read(ref _current);

    /// <summary>Completes when the feed first catches up with its source.</summary>
    public Task CaughtUp => _caughtUp.Task;

    /// <summary>Fails when the feed cannot start at all (the gate then stops, loudly).</summary>
    public void Fail(Exception exception) => _caughtUp.TrySetException(exception);

    public void Publish(FeedProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        Volatile.Write(ref _current, progress);
        if (progress.CaughtUp)
        {
            _caughtUp.TrySetResult();
        }
    }
}
