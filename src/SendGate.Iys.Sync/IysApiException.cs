using System.Net;

namespace SendGate.Iys.Sync;

/// <summary>İYS answered with an error; <see cref="Code"/> is İYS's own (e.g. H124) when it gave one.</summary>
public abstract class IysApiException(string message, HttpStatusCode? status, string? code, Exception? inner = null) : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;

    public string? Code { get; } = code;
}

/// <summary>Worth trying again: the per-second limit (429/H124), the hourly login limit (H084), 5xx, a timeout, the network.</summary>
public sealed class IysTransientException(string message, HttpStatusCode? status = null, string? code = null, TimeSpan? retryAfter = null, Exception? inner = null)
    : IysApiException(message, status, code, inner)
{
    /// <summary>How long İYS asked us to wait, or how long the limit in question lasts; null when up to the backoff.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>İYS refused the request itself (a 4xx that is ours: a brand the account cannot read, a bad cursor, bad credentials): retrying will not help.</summary>
public sealed class IysRefusedException(string message, HttpStatusCode? status, string? code) : IysApiException(message, status, code);
