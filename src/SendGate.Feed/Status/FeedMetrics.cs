using System.Diagnostics.Metrics;

namespace SendGate.Feed.Status;

/// <summary>What every feed reports, whatever its source: events by outcome, and the lag behind the source in messages.</summary>
public sealed class FeedMetrics
{
    public const string MeterName = "SendGate.Feed";

    private static readonly KeyValuePair<string, object?> Applied = new("outcome", "applied");
    private static readonly KeyValuePair<string, object?> Rejected = new("outcome", "rejected");
    private static readonly KeyValuePair<string, object?> DeadLettered = new("outcome", "dead_lettered");
    private readonly Counter<long> _events;

    public FeedMetrics(IMeterFactory meterFactory, FeedStatus status)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(status);
        var meter = meterFactory.Create(MeterName);
        _events = meter.CreateCounter<long>("sendgate.feed.events", unit: "{event}", description: "Feed events by outcome: applied, rejected (file lines), dead_lettered (Kafka)");
        meter.CreateObservableGauge("sendgate.feed.lag", () => status.Current.Lag, unit: "{event}", description: "Events in the source not yet applied (Kafka: high watermark minus applied offset, summed over partitions)");
    }

    public void RecordApplied(long count = 1) => _events.Add(count, Applied);

    public void RecordRejected(long count = 1) => _events.Add(count, Rejected);

    public void RecordDeadLettered(long count = 1) => _events.Add(count, DeadLettered);
}
