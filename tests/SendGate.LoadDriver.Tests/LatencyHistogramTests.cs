using SendGate.LoadDriver.Measuring;

namespace SendGate.LoadDriver.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Buckets_CoverEveryValue_WithinOneSixtyFourth()
    {
        var random = new Random(3);
        int previous = -1;
        for (long value = 0; value < 5_000; value++)
        {
            int index = LatencyHistogram.IndexOf(value);
            Assert.True(index >= previous, $"bucket of {value} ({index}) is below the bucket of {value - 1} ({previous})");
            previous = index;
            AssertBucketHolds(value);
        }

        for (int i = 0; i < 100_000; i++)
        {
            AssertBucketHolds(random.NextInt64(long.MaxValue >> random.Next(63)));
        }
    }

    [Fact]
    public void Quantiles_OfAKnownDistribution_AreWithinResolution()
    {
        var histogram = new LatencyHistogram();
        var values = Enumerable.Range(1, 100_000).Select(i => (long)i * 1_000).ToArray(); // 1 µs .. 100 ms
        new Random(5).Shuffle(values);
        foreach (long value in values)
        {
            histogram.Record(value);
        }

        Assert.Equal(100_000, histogram.Count);
        Assert.Equal(100_000_000, histogram.Max);
        Assert.Equal(1_000, histogram.Min);
        Assert.Equal(50_000_500, histogram.Mean, precision: 0);
        foreach (double q in new[] { 0.5, 0.9, 0.99, 0.999 })
        {
            long exact = (long)Math.Ceiling(q * 100_000) * 1_000;
            long reported = histogram.ValueAtQuantile(q);
            Assert.InRange(reported, exact, exact + (exact / 64) + 1);
        }

        Assert.Equal(100_000_000, histogram.ValueAtQuantile(1));
    }

    [Fact]
    public void Add_MergesCountsAndExtremes()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        a.Record(10);
        a.Record(20);
        b.Record(5);
        b.Record(1_000_000);

        a.Add(b);

        Assert.Equal(4, a.Count);
        Assert.Equal(5, a.Min);
        Assert.Equal(1_000_000, a.Max);
        Assert.Equal(20, a.ValueAtQuantile(0.75));
    }

    [Fact]
    public void ConcurrentRecording_LosesNothing()
    {
        var histogram = new LatencyHistogram();
        Parallel.For(0, 8, worker =>
        {
            for (int i = 0; i < 50_000; i++)
            {
                histogram.Record(worker * 1_000 + (i % 1_000));
            }
        });

        Assert.Equal(400_000, histogram.Count);
        Assert.Equal(7_999, histogram.Max);
    }

    private static void AssertBucketHolds(long value)
    {
        long highest = LatencyHistogram.HighestEquivalent(LatencyHistogram.IndexOf(value));
        Assert.True(highest >= value, $"{value} lands in a bucket whose highest value is {highest}");
        Assert.True(highest - value <= value / 64, $"{value} is reported as {highest}: more than 1/64 above");
    }
}
