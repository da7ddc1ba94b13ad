namespace SendGate.IysSimulator;

/// <summary>
/// What İYS does to a client on a bad day, armed by a test (or by <c>POST /_sim/faults</c>): the next requests to
/// the API answered 429/H124, or with a 5xx, or slowly. Each armed fault is spent by one request.
/// </summary>
public sealed class SimulatorFaults
{
    private int _rateLimited;
    private int _serverErrors;
    private int _slow;
    private int _revoke;
    private long _slowTicks;

    /// <summary>The next <paramref name="count"/> API requests get HTTP 429 with İYS error <c>H124</c>.</summary>
    public void RateLimitNext(int count) => Interlocked.Add(ref _rateLimited, count);

    /// <summary>The next <paramref name="count"/> API requests get an HTTP 503.</summary>
    public void FailNext(int count) => Interlocked.Add(ref _serverErrors, count);

    /// <summary>The next <paramref name="count"/> API requests wait <paramref name="delay"/> before answering.</summary>
    public void SlowNext(int count, TimeSpan delay)
    {
        Interlocked.Exchange(ref _slowTicks, delay.Ticks);
        Interlocked.Add(ref _slow, count);
    }

    /// <summary>At the next API request every access token issued so far stops working (İYS restarted its token store): the client must renew, not stop.</summary>
    public void RevokeTokensAtNextRequest() => Interlocked.Increment(ref _revoke);

    internal bool TakeRevoke() => Take(ref _revoke);

    internal bool TakeRateLimited() => Take(ref _rateLimited);

    internal bool TakeServerError() => Take(ref _serverErrors);

    internal TimeSpan TakeDelay() => Take(ref _slow) ? TimeSpan.FromTicks(Interlocked.Read(ref _slowTicks)) : TimeSpan.Zero;

    private static bool Take(ref int counter)
    {
        int current;
        do
        {
            current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref counter, current - 1, current) != current);

        return true;
    }
}
