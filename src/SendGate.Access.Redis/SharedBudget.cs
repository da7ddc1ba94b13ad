namespace SendGate.Access.Redis;

/// <summary>
/// One client's budget on one replica: a lease of the fleet-wide bucket, spent in memory. When less than half a
/// slice is left, or a request needs more than is left, the next slice is asked for in the background; a request
/// the lease cannot cover is refused at once with the wait Redis gave (the client's retry comes after the slice).
/// </summary>
internal sealed class SharedBudget : IRateBudget
{
    private readonly SharedBudgets _owner;
    private readonly long _slice;
    private readonly TokenBucket _local;
    private readonly Lock _lock = new();
    private double _lease;
    private long _wanted;
    private bool _refilling;
    private TimeSpan _wait = TimeSpan.FromMilliseconds(1);

    public SharedBudget(SharedBudgets owner, string key, long capacity, double ratePerSecond, long slice, TimeProvider clock)
    {
        _owner = owner;
        Key = key;
        Capacity = capacity;
        RatePerSecond = ratePerSecond;
        _slice = slice;
        _local = new TokenBucket(capacity, ratePerSecond, clock);
    }

    public string Key { get; }

    public long Capacity { get; }

    public double RatePerSecond { get; }

    public bool TryTake(long count, out TimeSpan retryAfter)
    {
        if (count > Capacity)
        {
            retryAfter = Timeout.InfiniteTimeSpan;
            return false;
        }

        bool refill;
        lock (_lock)
        {
            if (_lease >= count)
            {
                _lease -= count;
                refill = _lease < _slice / 2.0 && !_refilling;
                _refilling |= refill;
                retryAfter = TimeSpan.Zero;
            }
            else
            {
                _wanted = Math.Max(_wanted, count);
                refill = !_refilling;
                _refilling = true;
                retryAfter = _wait;
            }
        }

        if (refill)
        {
            _owner.Refill(this);
        }

        if (retryAfter == TimeSpan.Zero)
        {
            return true;
        }

        if (_owner.IsAvailable)
        {
            return false;
        }

        if (_owner.WhenUnavailable == WhenUnavailable.Local)
        {
            bool taken = _local.TryTake(count, out retryAfter);
            _owner.Metrics.WithoutRedis(taken ? "local" : "refused");
            return taken;
        }

        _owner.Metrics.WithoutRedis("refused");
        retryAfter = TimeSpan.FromSeconds(1);
        return false;
    }

    /// <summary>The first slice, asked for when the client is configured, so that its first request finds a lease.</summary>
    public void Prefetch()
    {
        lock (_lock)
        {
            _refilling = true;
        }

        _owner.Refill(this);
    }

    /// <summary>How much to ask Redis for: up to a slice, or what the largest refused request needs.</summary>
    public long Shortfall()
    {
        lock (_lock)
        {
            return Math.Clamp(Math.Max(_slice, _wanted) - (long)_lease, 1, Capacity);
        }
    }

    /// <summary>Adds what Redis granted; true when the lease is still short of what was wanted (ask again after <paramref name="wait"/>).</summary>
    public bool Deposit(long granted, TimeSpan wait)
    {
        lock (_lock)
        {
            _lease += granted;
            _wait = wait;
            if (_lease >= _wanted)
            {
                _wanted = 0;
            }

            bool more = _wanted > 0 || (granted == 0 && _lease < _slice / 2.0);
            _refilling = more;
            return more;
        }
    }
}
