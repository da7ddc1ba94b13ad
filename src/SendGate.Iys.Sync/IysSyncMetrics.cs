using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace SendGate.Iys.Sync;

/// <summary>
/// The connector's metrics (meter <c>SendGate.Iys.Sync</c>): per brand and source, how old the cursor is (since the
/// stream was last seen caught up — PULL keeps 7 days, so this must stay well under that), the time of the newest
/// change seen, whether the stream stopped on a refusal; pages, events published and rejected; retries by cause;
/// answers not in İYS's documented shape, by operation; failed rounds by loop (pull, push, discovery); the sender's
/// refusals uploaded, by İYS's answer, and those still waiting for one; İYS's pushed changes received, by outcome.
/// </summary>
public sealed class IysSyncMetrics
{
    public const string MeterName = "SendGate.Iys.Sync";
    private readonly ConcurrentDictionary<(uint Brand, string Source), StreamState> _streams = new();
    private readonly Counter<long> _pages;
    private readonly Counter<long> _events;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _unexpected;
    private readonly Counter<long> _loopFailures;
    private readonly Counter<long> _received;
    private readonly Counter<long> _receiveRequests;
    private readonly Histogram<double> _receiveDuration;
    private long _refusalsPending;

    public IysSyncMetrics(IMeterFactory meterFactory, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _pages = meter.CreateCounter<long>("sendgate.iys.pages", unit: "{page}", description: "PULL pages whose events Kafka acknowledged, by brand and source");
        _events = meter.CreateCounter<long>("sendgate.iys.events", unit: "{event}", description: "PULL items by outcome (published, dead_lettered), brand and source");
        _retries = meter.CreateCounter<long>("sendgate.iys.retries", description: "Requests to İYS tried again, by cause (H124, H084, 503, network, …)");
        _refusals = meter.CreateCounter<long>("sendgate.iys.push.refusals", description: "Refusals the sender received, by İYS's answer to their upload (accepted, refused, unreadable)");
        _unexpected = meter.CreateCounter<long>("sendgate.iys.unexpected_answers", description: "İYS answers not in the shape İYS's document gives, by operation (that call failed and is retried later)");
        _loopFailures = meter.CreateCounter<long>("sendgate.iys.loop_failures", description: "Rounds of a connector loop (pull, push, discovery) that failed; the loop goes on");
        _received = meter.CreateCounter<long>("sendgate.iys.receive.items", unit: "{item}",
            description: "Changes İYS pushed to the receiver, by outcome (published, dead_lettered, foreign_brand, test)");
        _receiveRequests = meter.CreateCounter<long>("sendgate.iys.receive.requests", unit: "{request}", description: "İYS's push requests by the receiver's answer (200, 400, 401, 503)");
        _receiveDuration = meter.CreateHistogram<double>("sendgate.iys.receive.duration", unit: "s",
            description: "From İYS's push request arriving to its answer (every item acknowledged by Kafka)");
        meter.CreateObservableGauge("sendgate.iys.push.pending", () => Interlocked.Read(ref _refusalsPending), description: "Refusals uploaded to İYS whose answer has not come yet");
        meter.CreateObservableGauge("sendgate.iys.cursor.age", () => Observe(state => state.CaughtUpAt is { } at ? (clock.GetUtcNow() - at).TotalSeconds : double.NaN), unit: "s",
            description: "Seconds since the brand and source were last caught up with PULL (NaN: never); PULL keeps 7 days");
        meter.CreateObservableGauge("sendgate.iys.newest_change", () => Observe(state => state.NewestChange is { } newest ? newest.ToUnixTimeSeconds() : double.NaN), unit: "s",
            description: "Unix time (İYS creationDate) of the newest change published for the brand and source");
        meter.CreateObservableGauge("sendgate.iys.stopped", () => Observe(state => state.Stopped ? 1 : 0),
            description: "1 when the brand and source stopped on a refusal from İYS that retrying cannot fix (see the log)");
    }

    public void Track(SyncCursor cursor) => _streams[(cursor.Brand, cursor.Source)] = new StreamState(cursor.CaughtUpAt, cursor.NewestChange, Stopped: false);

    public void RecordPage(SyncCursor cursor, int published, int deadLettered)
    {
        var tags = Tags(cursor.Brand, cursor.Source);
        _pages.Add(1, tags);
        _events.Add(published, [.. tags, new("outcome", "published")]);
        if (deadLettered > 0)
        {
            _events.Add(deadLettered, [.. tags, new("outcome", "dead_lettered")]);
        }

        Track(cursor);
    }

    public void RecordStopped(uint brand, string source) =>
        _streams.AddOrUpdate((brand, source), _ => new StreamState(null, null, Stopped: true), (_, state) => state with { Stopped = true });

    public void RecordPush(int accepted, int refused, int unreadable, int pending)
    {
        _refusals.Add(accepted, new KeyValuePair<string, object?>("outcome", "accepted"));
        _refusals.Add(refused, new KeyValuePair<string, object?>("outcome", "refused"));
        _refusals.Add(unreadable, new KeyValuePair<string, object?>("outcome", "unreadable"));
        Interlocked.Exchange(ref _refusalsPending, pending);
    }

    public void RecordRetry(string cause) => _retries.Add(1, new KeyValuePair<string, object?>("cause", cause));

    public void RecordUnexpectedAnswer(string operation) => _unexpected.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void RecordLoopFailure(string loop) => _loopFailures.Add(1, new KeyValuePair<string, object?>("loop", loop));

    public void RecordReceived(string outcome, int items)
    {
        if (items > 0)
        {
            _received.Add(items, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void RecordReceiveRequest(int answer, TimeSpan duration)
    {
        _receiveRequests.Add(1, new KeyValuePair<string, object?>("answer", answer.ToString(CultureInfo.InvariantCulture)));
        _receiveDuration.Record(duration.TotalSeconds);
    }

    private static KeyValuePair<string, object?>[] Tags(uint brand, string source) =>
        [new("brand", brand.ToString(CultureInfo.InvariantCulture)), new("source", source)];

    private IEnumerable<Measurement<double>> Observe(Func<StreamState, double> value) =>
        _streams.Select(stream => new Measurement<double>(value(stream.Value), Tags(stream.Key.Brand, stream.Key.Source)));

    private sealed record StreamState(DateTimeOffset? CaughtUpAt, DateTimeOffset? NewestChange, bool Stopped);
}
