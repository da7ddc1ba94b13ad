using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace SendGate.Iys.Sync;

/// <summary>
/// The connector's metrics (meter <c>SendGate.Iys.Sync</c>): per brand and source, how old the cursor is (since the
/// stream was last seen caught up — PULL keeps 7 days, so this must stay well under that), the time of the newest
/// change seen, whether the stream stopped on a refusal; pages, events published and rejected; retries by cause;
/// the sender's refusals uploaded, by İYS's answer, and those still waiting for one.
/// </summary>
public sealed class IysSyncMetrics
{
    public const string MeterName = "SendGate.Iys.Sync";
    private readonly ConcurrentDictionary<(uint Brand, string Source), StreamState> _streams = new();
    private readonly Counter<long> _pages;
    private readonly Counter<long> _events;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _refusals;
    private long _refusalsPending;

    public IysSyncMetrics(IMeterFactory meterFactory, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _pages = meter.CreateCounter<long>("sendgate.iys.pages", unit: "{page}", description: "PULL pages whose events Kafka acknowledged, by brand and source");
        _events = meter.CreateCounter<long>("sendgate.iys.events", unit: "{event}", description: "PULL items by outcome (published, dead_lettered), brand and source");
        _retries = meter.CreateCounter<long>("sendgate.iys.retries", description: "Requests to İYS tried again, by cause (H124, H084, 503, network, …)");
        _refusals = meter.CreateCounter<long>("sendgate.iys.push.refusals", description: "Refusals the sender received, by İYS's answer to their upload (accepted, refused, unreadable)");
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

    private static KeyValuePair<string, object?>[] Tags(uint brand, string source) =>
        [new("brand", brand.ToString(CultureInfo.InvariantCulture)), new("source", source)];

    private IEnumerable<Measurement<double>> Observe(Func<StreamState, double> value) =>
        _streams.Select(stream => new Measurement<double>(value(stream.Value), Tags(stream.Key.Brand, stream.Key.Source)));

    private sealed record StreamState(DateTimeOffset? CaughtUpAt, DateTimeOffset? NewestChange, bool Stopped);
}
