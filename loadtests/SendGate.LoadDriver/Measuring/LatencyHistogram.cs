using System.Numerics;

namespace SendGate.LoadDriver.Measuring;

/// <summary>
/// Latencies in nanoseconds, log-linear buckets (as HdrHistogram): exact below 128 ns, then 64
/// linear sub-buckets per power of two, so any recorded value is reported within 1/64 (1.6%)
/// above its true value, up to 2^63 ns, in 4,096 counters. Recording is
/// lock-free and allocation-free; many threads may record at once.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 7;
    private const int SubBuckets = 1 << SubBits;
    private const int Buckets = 64 * (SubBuckets >> 1);
    private readonly long[] _counts = new long[Buckets];
    private long _count;
    private long _sum;
    private long _max;
    private long _min = long.MaxValue;

    public long Count => Interlocked.Read(ref _count);

    public long Max => Count == 0 ? 0 : Interlocked.Read(ref _max);

    public long Min => Count == 0 ? 0 : Interlocked.Read(ref _min);

    public double Mean => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    public void Record(long nanoseconds)
    {
        long value = Math.Max(nanoseconds, 0);
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        long max;
        while (value > (max = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, value, max) != max)
        {
        }

        long min;
        while (value < (min = Interlocked.Read(ref _min)) && Interlocked.CompareExchange(ref _min, value, min) != min)
        {
        }
    }

    /// <summary>The smallest bucket bound at or above which lie (1 − q) of the values; q in [0, 1]. The maximum is exact.</summary>
    public long ValueAtQuantile(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        long total = Count;
        if (total == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (int i = 0; i < Buckets; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(HighestEquivalent(i), Max);
            }
        }

        return Max;
    }

    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < Buckets; i++)
        {
            Interlocked.Add(ref _counts[i], Interlocked.Read(ref other._counts[i]));
        }

        Interlocked.Add(ref _count, other.Count);
        Interlocked.Add(ref _sum, Interlocked.Read(ref other._sum));
        if (other.Count > 0)
        {
            Interlocked.Exchange(ref _max, Math.Max(Max, other.Max));
            Interlocked.Exchange(ref _min, Math.Min(Interlocked.Read(ref _min), other.Min));
        }
    }

    internal static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        int shift = BitOperations.Log2((ulong)value) - (SubBits - 1);
        return ((shift + 1) << (SubBits - 1)) + (int)((value >> shift) - (SubBuckets >> 1));
    }

    /// <summary>The largest value that lands in bucket <paramref name="index"/>.</summary>
    internal static long HighestEquivalent(int index)
    {
        int half = SubBuckets >> 1;
        if (index < SubBuckets)
        {
            return index;
        }

        int shift = (index >> (SubBits - 1)) - 1;
        long mantissa = (index & (half - 1)) + half;
        return ((mantissa + 1) << shift) - 1;
    }
}
