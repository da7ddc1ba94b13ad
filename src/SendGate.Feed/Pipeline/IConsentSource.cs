using SendGate.Core.Consent;
using SendGate.Feed.Checkpoints;
using SendGate.Feed.Status;

namespace SendGate.Feed.Pipeline;

/// <summary>
/// A source of consent events the <see cref="FeedRunner"/> drives: the İYS file, the Kafka consent
/// topic, the İYS connector. The runner owns the lifecycle (recover → catch up → follow →
/// checkpoint → status) and the dispatch; a source only reads, decodes, and handles what it alone
/// knows: its positions, its freshness, and where a rejected event goes.
/// <para>
/// Threads: <see cref="Open"/> and <see cref="Read"/> run on the reading thread;
/// <see cref="IEventDecoder.Decode"/> on any thread, in parallel; <see cref="Reject"/>, <see cref="Applied"/>
/// and <see cref="Positions"/> on the applying thread, in batch order.
/// </para>
/// </summary>
public interface IConsentSource : IEventDecoder, IDisposable
{
    /// <summary>The identity durable state is bound to ("kafka:TOPIC", "file:/full/path").</summary>
    string Name { get; }

    /// <summary>Short, for logs ("kafka:consents", "file:consents.jsonl").</summary>
    string DisplayName { get; }

    /// <summary>
    /// Prepares to read from <paramref name="resumePoint"/> (null: from the beginning), waiting — with
    /// a log line per attempt — until the source is reachable; returns the positions it starts at.
    /// Throws <see cref="FeedSourceException"/> when it cannot be read at all.
    /// </summary>
    long[] Open(FeedResumePoint? resumePoint, CancellationToken cancellationToken);

    /// <summary>
    /// Adds the next events to <paramref name="batch"/> until it is full or nothing more is at hand,
    /// waiting up to <paramref name="wait"/> for the first; sets the batch's end positions and,
    /// when it can, <see cref="EventBatch.FreshAsOf"/>.
    /// </summary>
    void Read(EventBatch batch, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>An event that cannot be applied: reported or dead-lettered before its position counts as done.</summary>
    void Reject(EventBatch batch, int index, string reason, CancellationToken cancellationToken);

    /// <summary>Everything up to the batch's end positions is applied (Kafka: offsets stored for the group).</summary>
    void Applied(EventBatch batch);

    /// <summary>The watermark's positions for what is applied: per partition, applied and end.</summary>
    IReadOnlyList<FeedPosition> Positions(long[] applied);

    /// <summary>Events known to lie beyond <paramref name="applied"/>, for progress reports.</summary>
    long Backlog(long[] applied);
}

/// <summary>Turns a batch's raw events into decoded ones.</summary>
public interface IEventDecoder
{
    /// <summary>Decodes and validates event <paramref name="index"/> of the batch. Thread-safe: batches are decoded in parallel.</summary>
    DecodedEvent Decode(EventBatch batch, int index);
}

/// <summary>A source that cannot be read at all (an unreadable file): the gate fails to start, loudly.</summary>
public sealed class FeedSourceException(string message, Exception? inner = null) : Exception(message, inner);
