using System.Collections.Concurrent;

namespace SendGate.IysSimulator;

/// <summary>
/// What İYS does to a client on a bad day, armed by a test (or by <c>POST /_sim/faults</c>): the next requests to
/// the API answered 429/H124, or 503/H192, or slowly, or with a body not in the document's shape; a truncated file.
/// Each armed fault is spent by one request.
/// </summary>
public sealed class SimulatorFaults
{
    private readonly ConcurrentDictionary<string, (int Count, Garbage Body)> _garbage = new(StringComparer.Ordinal);
    private int _rateLimited;
    private int _serverErrors;
    private int _slow;
    private int _revoke;
    private int _truncatedFiles;
    private long _slowTicks;

    /// <summary>An answer İYS's document does not describe: a body and its content type, sent with status 200.</summary>
    public sealed record Garbage(string Body, string ContentType)
    {
        /// <summary>A proxy's maintenance page in place of İYS's JSON.</summary>
        public static readonly Garbage HtmlPage = new("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", "text/html");

        /// <summary>The bulk-write status as our connector once (wrongly) expected it: an object, an upper-case status, a 'list'.</summary>
        public static readonly Garbage OldBulkStatus = new("{\"requestId\":\"x\",\"status\":\"COMPLETED\",\"list\":[{\"index\":0,\"status\":\"SUCCESS\"}]}", "application/json");
    }

    /// <summary>The next <paramref name="count"/> API requests get HTTP 429 with İYS error <c>H124</c>.</summary>
    public void RateLimitNext(int count) => Interlocked.Add(ref _rateLimited, count);

    /// <summary>The next <paramref name="count"/> API requests get HTTP 503 with İYS error <c>H192</c> (a timeout inside İYS).</summary>
    public void FailNext(int count) => Interlocked.Add(ref _serverErrors, count);

    /// <summary>The next <paramref name="count"/> API requests wait <paramref name="delay"/> before answering.</summary>
    public void SlowNext(int count, TimeSpan delay)
    {
        Interlocked.Exchange(ref _slowTicks, delay.Ticks);
        Interlocked.Add(ref _slow, count);
    }

    /// <summary>At the next API request every access token issued so far stops working (İYS restarted its token store): the client must renew, not stop.</summary>
    public void RevokeTokensAtNextRequest() => Interlocked.Increment(ref _revoke);

    /// <summary>The next <paramref name="count"/> requests of <paramref name="operation"/> (İYS's operation name, e.g. searchRequestDetails) answer <paramref name="body"/> with 200.</summary>
    public void GarbageNext(string operation, int count, Garbage? body = null) =>
        _garbage.AddOrUpdate(operation, (count, body ?? Garbage.HtmlPage), (_, current) => (current.Count + count, body ?? current.Body));

    /// <summary>Answers of <paramref name="operation"/> are İYS's own again.</summary>
    public void StopGarbage(string operation) => _garbage.TryRemove(operation, out _);

    /// <summary>The next daily change file is cut short on its way (a truncated download).</summary>
    public void TruncateNextFile() => Interlocked.Increment(ref _truncatedFiles);

    internal bool TakeRevoke() => Take(ref _revoke);

    internal bool TakeRateLimited() => Take(ref _rateLimited);

    internal bool TakeServerError() => Take(ref _serverErrors);

    internal bool TakeTruncatedFile() => Take(ref _truncatedFiles);

    internal TimeSpan TakeDelay() => Take(ref _slow) ? TimeSpan.FromTicks(Interlocked.Read(ref _slowTicks)) : TimeSpan.Zero;

    internal Garbage? TakeGarbage(string operation)
    {
        while (_garbage.TryGetValue(operation, out var armed) && armed.Count > 0)
        {
            if (_garbage.TryUpdate(operation, (armed.Count - 1, armed.Body), armed))
            {
                return armed.Body;
            }
        }

        return null;
    }

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
