using System.Diagnostics.Metrics;

namespace SendGate.Access.Redis;

/// <summary>
/// Meter <c>SendGate.Access.Shared</c>: leases taken from Redis (by outcome, with their round-trip time), whether
/// Redis is answering, and admissions decided without it (fallback to the local budget, or refused).
/// </summary>
public sealed class SharedBudgetMetrics : IDisposable
{
    public const string MeterName = "SendGate.Access.Shared";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _leases;
    private readonly Histogram<double> _leaseTime;
    private readonly Counter<long> _withoutRedis;
    private int _available = 1;

    public SharedBudgetMetrics()
    {
        _leases = _meter.CreateCounter<long>("sendgate.access.shared.leases", "{lease}", "Slices leased from the fleet budget in Redis, by outcome (full, partial, empty, failed)");
        _leaseTime = _meter.CreateHistogram<double>("sendgate.access.shared.lease.duration", "s", "Round trip of one lease script",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5] });
        _withoutRedis = _meter.CreateCounter<long>("sendgate.access.shared.without_redis", "{admission}", "Admissions decided while Redis did not answer, by outcome (local, refused)");
        _meter.CreateObservableGauge("sendgate.access.shared.redis_available", () => Volatile.Read(ref _available), description: "1 while Redis answers the lease script, 0 while it does not");
    }

    public void Leased(string outcome, TimeSpan elapsed)
    {
        _leases.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _leaseTime.Record(elapsed.TotalSeconds);
    }

    public void LeaseFailed() => _leases.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));

    public void WithoutRedis(string outcome) => _withoutRedis.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Available(bool available) => Volatile.Write(ref _available, available ? 1 : 0);

    public void Dispose() => _meter.Dispose();
}
