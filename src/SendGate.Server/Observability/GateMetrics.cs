using System.Diagnostics;
using System.Diagnostics.Metrics;
using SendGate.Core.Domain;
using SendGate.Feed.Status;
using SendGate.Index;

namespace SendGate.Server.Observability;

/// <summary>The gate's instruments: per request (counts and a duration), and observed on scrape (index size, feed freshness).</summary>
internal sealed class GateMetrics
{
    public const string MeterName = "SendGate";

    private static readonly string[] ReasonTags = Enumerable.Range(0, ReasonRules.MaxValue + 1).Select(r => ((Reason)r).Name()).ToArray();
    private readonly Counter<long> _requests;
    private readonly Counter<long> _recipients;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _batch;
    private readonly Counter<long> _clientAllowed;
    private readonly Counter<long> _clientDenied;
    private readonly Counter<long> _clientExplains;
    private readonly Counter<long> _refused;

    public GateMetrics(IMeterFactory meterFactory, ConsentStore store, FeedStatus status, TimeProvider clock)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("sendgate.check.requests", description: "Check requests answered (unary and stream messages)");
        _recipients = meter.CreateCounter<long>("sendgate.check.recipients", description: "Recipients decided, by reason");
        _duration = meter.CreateHistogram("sendgate.check.duration", unit: "s", description: "Time to decide one Check request, in the gate (transport excluded)", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = GateTelemetry.SecondsBuckets });
        _batch = meter.CreateHistogram("sendgate.check.batch", unit: "{recipient}", description: "Recipients per Check request", advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = GateTelemetry.CountBuckets });
        // Per client, so that enumeration shows: a client whose checks are nearly all denied, or
        // who calls Explain a lot, is probing rather than filtering a send list.
        _clientAllowed = meter.CreateCounter<long>("sendgate.client.recipients.allowed", description: "Recipients allowed, by client");
        _clientDenied = meter.CreateCounter<long>("sendgate.client.recipients.denied", description: "Recipients denied (any reason), by client");
        _clientExplains = meter.CreateCounter<long>("sendgate.client.explains", description: "Explain calls answered, by client");
        _refused = meter.CreateCounter<long>("sendgate.access.refused", description: "Calls refused by access control, by client (none when unauthenticated) and reason");
        meter.CreateObservableGauge("sendgate.index.tuples", () => store.Index.Count, description: "Consent tuples in the hot index");
        meter.CreateObservableGauge("sendgate.index.closures", () => store.Index.ClosureCount, description: "Line closures in the hot index");
        meter.CreateObservableGauge("sendgate.index.memory", () => store.Index.SizeBytes, unit: "By", description: "Bytes of the hot index tables");
        meter.CreateObservableGauge("sendgate.index.generations", () => store.Index.Generations, description: "Table generations (1 when sized right)");
        meter.CreateObservableGauge("sendgate.index.version", () => store.Index.Version, description: "Changes applied to the hot index");
        meter.CreateObservableGauge("sendgate.feed.age", () => status.Current.FreshAsOf is { } fresh ? (clock.GetUtcNow() - fresh).TotalSeconds : double.NaN, unit: "s", description: "Seconds since the feed last confirmed the gate was current");
        meter.CreateObservableGauge("sendgate.feed.newest_change", () => store.NewestChange.IsNone ? 0 : store.NewestChange.ToUnixSeconds(), unit: "s", description: "Unix time of the newest change applied");
        // Memory as operators (and the load driver's flat-memory check) watch it: resident set, and the managed heap within it.
        meter.CreateObservableGauge("sendgate.process.working_set", () => Environment.WorkingSet, unit: "By", description: "Resident memory of the gate process");
        meter.CreateObservableGauge("sendgate.process.gc_heap", () => GC.GetGCMemoryInfo().HeapSizeBytes, unit: "By", description: "Managed heap size after the last garbage collection");
    }

    public void RecordClient(string client, uint allowed, int recipients)
    {
        var tag = new KeyValuePair<string, object?>("client", client);
        _clientAllowed.Add(allowed, tag);
        _clientDenied.Add(recipients - allowed, tag);
    }

    public void RecordExplain(string client) => _clientExplains.Add(1, new KeyValuePair<string, object?>("client", client));

    public void RecordRefused(string? client, string reason) =>
        _refused.Add(1, new KeyValuePair<string, object?>("client", client ?? "-"), new KeyValuePair<string, object?>("reason", reason));

    public void RecordCheck(int[] counts, int recipients, bool keys, long startedTimestamp)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1, new KeyValuePair<string, object?>("input", keys ? "keys" : "addresses"));
        }

        if (_recipients.Enabled)
        {
            for (int reason = 1; reason < counts.Length; reason++)
            {
                if (counts[reason] > 0)
                {
                    _recipients.Add(counts[reason], new KeyValuePair<string, object?>("reason", ReasonTags[reason]));
                }
            }
        }

        if (_duration.Enabled)
        {
            _duration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);
        }

        if (_batch.Enabled)
        {
            _batch.Record(recipients);
        }
    }
}
