using System.Diagnostics;

namespace SendGate.Access;

/// <summary>
/// A token bucket: <see cref="Capacity"/> tokens at most, refilled at <see cref="RatePerSecond"/>.
/// Taking is all or nothing, so a refused batch costs nothing and its retry hint is exact. A lock,
/// not a CAS loop: one short critical section per request, uncontended at tens of thousands per second.
/// </summary>
public sealed class TokenBucket : IRateBudget
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;
    private readonly double _perTick;
    private double _tokens;
    private long _updated;

    public TokenBucket(long capacity, double ratePerSecond, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ratePerSecond, 0);
        Capacity = capacity;
        RatePerSecond = ratePerSecond;
        _clock = clock;
        _perTick = ratePerSecond / clock.TimestampFrequency;
        _tokens = capacity;
        _updated = clock.GetTimestamp();
    }

    public long Capacity { get; }

    public double RatePerSecond { get; }

    /// <summary>Takes <paramref name="count"/> tokens, or none and says how long until there are enough.</summary>
    public bool TryTake(long count, out TimeSpan retryAfter)
    {
        if (count > Capacity)
        {
            retryAfter = Timeout.InfiniteTimeSpan;
            return false;
        }

        lock (_lock)
        {
            long now = _clock.GetTimestamp();
            _tokens = Math.Min(Capacity, _tokens + ((now - _updated) * _perTick));
            _updated = now;
            if (_tokens >= count)
            {
                _tokens -= count;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((count - _tokens) / RatePerSecond);
            Debug.Assert(retryAfter > TimeSpan.Zero, "a refusal always has a positive wait");
            return false;
        }
    }
}
