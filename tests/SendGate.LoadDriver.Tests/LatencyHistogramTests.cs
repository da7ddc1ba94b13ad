using SendGate.LoadDriver.Measuring;

namespace SendGate.LoadDriver.Tests;

/// <summary>The load driver's latency recording (HdrHistogram underneath): precision, range ends, merging, many writers.</summary>
public sealed class LatencyHistogramTests
{
    [Theory]
    [InlineData(3, 0.001)]
    [InlineData(2, 0.01)]
    public void Quantiles_OfAKnownDistribution_AreWithinThePrecision(int digits, double precision)
    {
        var histogram = new LatencyHistogram(digits);
        var values = Enumerable.Range(1, 100_000).Select(i => (long)i * 1_000).ToArray(); // 1 µs .. 100 ms
        new Random(5).Shuffle(values);
        foreach (long value in values)
        {
            histogram.Record(value);
        }

        Assert.Equal(100_000, histogram.Count);
        Assert.InRange(histogram.Max, 100_000_000, 100_000_000 * (1 + precision));
        Assert.InRange(histogram.Mean, 50_000_500 * (1 - precision), 50_000_500 * (1 + precision));
        foreach (double q in new[] { 0.5, 0.9, 0.99, 0.999 })
        {
            long exact = (long)Math.Ceiling(q * 100_000) * 1_000;
            Assert.InRange(histogram.ValueAtQuantile(q), exact * (1 - precision), exact * (1 + precision));
        }
    }

    [Fact]
    public void ValuesBeyondTheRange_AreKeptAtItsEnds_NotDropped()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(-5);
        histogram.Record(long.MaxValue); // a call stuck for centuries still counts as the slowest

        Assert.Equal(2, histogram.Count);
        Assert.True(histogram.ValueAtQuantile(1) >= 3_600_000_000_000 * 0.999);
    }

    [Fact]
    public void Add_MergesCounts()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram(2);
        a.Record(10_000);
        a.Record(20_000);
        b.Record(5_000);
        b.Record(1_000_000_000);

        a.Add(b);

        Assert.Equal(4, a.Count);
        Assert.InRange(a.ValueAtQuantile(0.75), 19_980, 20_020);
        Assert.InRange(a.Max, 990_000_000, 1_010_000_000);
    }

    [Fact]
    public void ConcurrentRecording_LosesNothing()
    {
        var histogram = new LatencyHistogram();
        Parallel.For(0, 8, worker =>
        {
            for (int i = 0; i < 50_000; i++)
            {
                histogram.Record((worker * 1_000 + (i % 1_000)) * 1_000L);
            }
        });

        Assert.Equal(400_000, histogram.Count);
        Assert.InRange(histogram.Max, 7_999_000, 8_010_000);
    }
}
