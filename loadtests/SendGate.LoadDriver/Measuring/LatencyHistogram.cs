using HdrHistogram;

namespace SendGate.LoadDriver.Measuring;

/// <summary>
/// Latencies in nanoseconds on HdrHistogram (its concurrent histogram: many threads record at
/// once, wait-free), from 1 ns to an hour. Three significant digits (any value reported within
/// 0.1% above its true value) for a run's latency; the per-second histograms behind the charts
/// take two (1%), so that a long run's timeline stays small. Values beyond the range are
/// recorded at its ends, never dropped: a lost slow call would flatter the tail.
/// </summary>
internal sealed class LatencyHistogram(int significantDigits = 3)
{
    private const long Lowest = 1;
    private const long Highest = 3_600_000_000_000;
    private readonly LongConcurrentHistogram _histogram = new(Lowest, Highest, significantDigits);

    public long Count => _histogram.TotalCount;

    public long Max => Count == 0 ? 0 : _histogram.GetMaxValue();

    public double Mean => Count == 0 ? 0 : _histogram.GetMean();

    public void Record(long nanoseconds) => _histogram.RecordValue(Math.Clamp(nanoseconds, 0, Highest));

    /// <summary>The value at or below which lie <paramref name="quantile"/> of the values (q in [0, 1]), within the precision.</summary>
    public long ValueAtQuantile(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        return Count == 0 ? 0 : _histogram.GetValueAtPercentile(quantile * 100);
    }

    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _histogram.Add(other._histogram);
    }
}
