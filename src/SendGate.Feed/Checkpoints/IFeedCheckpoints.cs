namespace SendGate.Feed.Checkpoints;

/// <summary>
/// Durable state as a feed sees it. A feed calls <see cref="Recover"/> once before it reads
/// anything, then <see cref="BeginCheckpoint"/> from its own (the writer's) thread between events
/// whenever <see cref="Due"/>, and <see cref="Checkpoint"/> when stopping — so each checkpoint holds
/// at least the events up to the point it records (and perhaps a few after it, which a resumed feed
/// applies again: the rules make that the same as applying them once).
/// </summary>
public interface IFeedCheckpoints
{
    /// <summary>True when the schedule calls for a checkpoint.</summary>
    bool Due { get; }

    /// <summary>
    /// Restores the newest valid checkpoint into the consent store (the hot index included) and
    /// says where <paramref name="source"/> resumes; null means from its beginning. Throws when
    /// the durable state belongs to another source or hashing key: mixing them would be wrong.
    /// </summary>
    FeedResumePoint? Recover(string source, CancellationToken cancellationToken);

    /// <summary>Writer: records the state applied so far together with <paramref name="point"/>, and returns once it is durable.</summary>
    void Checkpoint(FeedResumePoint point);

    /// <summary>
    /// Writer: fixes a checkpoint of the state applied so far at <paramref name="point"/>; it may be completed in the
    /// background while the writer goes on applying (<see cref="Due"/> stays false until it is).
    /// </summary>
    void BeginCheckpoint(FeedResumePoint point) => Checkpoint(point);
}

/// <summary>No durable state: every start replays the feed from its beginning.</summary>
public sealed class NoFeedCheckpoints : IFeedCheckpoints
{
    public bool Due => false;

    public FeedResumePoint? Recover(string source, CancellationToken cancellationToken) => null;

    public void Checkpoint(FeedResumePoint point)
    {
    }
}
