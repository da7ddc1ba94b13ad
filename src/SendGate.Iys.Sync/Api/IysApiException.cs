using System.Net;

namespace SendGate.Iys.Sync.Api;

/// <summary>İYS answered with an error; <see cref="Code"/> is İYS's own (e.g. H124) when it gave one.</summary>
public abstract class IysApiException(string message, HttpStatusCode? status, string? code, Exception? inner = null) : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;

    public string? Code { get; } = code;
}

/// <summary>Worth trying again at once (with backoff): the per-second limit (429/H124), 5xx, 408, a timeout, the network.</summary>
public sealed class IysTransientException(string message, HttpStatusCode? status = null, string? code = null, TimeSpan? retryAfter = null, Exception? inner = null)
    : IysApiException(message, status, code, inner)
{
    /// <summary>How long İYS asked us to wait; null when up to the backoff.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>İYS refused the request itself (a 4xx that is ours: a brand the account cannot read, bad credentials): retrying will not help.</summary>
public sealed class IysRefusedException(string message, HttpStatusCode? status, string? code) : IysApiException(message, status, code);

/// <summary>
/// İYS answered, but not in the shape its document describes (a bulk status that is not an array, a PULL answer without
/// a list, a proxy's error page with status 200). That one call failed: the loop that made it counts it, says so and
/// tries again next round; it is never taken as a result.
/// </summary>
public sealed class IysUnexpectedAnswerException(string operation, string message) : IysApiException(message, null, null)
{
    /// <summary>İYS's operation whose answer was unexpected (its name in İYS's document, e.g. searchRequestDetails).</summary>
    public string Operation { get; } = operation;
}

/// <summary>
/// No token request may go to İYS before <see cref="Until"/>: İYS allows a few an hour per address (and restarts the
/// hour when asked again too soon), or our own budget for them is spent. The call that needed a token fails now, with
/// the time it can succeed, instead of waiting inside a round or spending İYS's limit.
/// </summary>
public sealed class IysTokenLimitException(string message, HttpStatusCode? status, string? code, DateTimeOffset until) : IysApiException(message, status, code)
{
    public DateTimeOffset Until { get; } = until;
}
