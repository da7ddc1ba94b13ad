using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using SendGate.Kafka;

namespace SendGate.Iys.Sync;

/// <summary>
/// İYS's error body, <c>{"status":…,"message":…,"errors":[{"code":"H124","message":…}]}</c>, read into a code and a
/// sentence. The message is masked before anyone sees it: İYS may quote the value it refused, and that value can be
/// an address.
/// </summary>
internal readonly record struct IysError(string? Code, string Message)
{
    /// <summary>İYS's code for the per-second request limit.</summary>
    public const string RateLimited = "H124";

    /// <summary>İYS's code for too many logins in an hour.</summary>
    public const string TooManyLogins = "H084";

    /// <summary>How long to leave the token endpoint alone after H084 when İYS does not say.</summary>
    private static readonly TimeSpan LoginLimitWait = TimeSpan.FromMinutes(5);

    public static async Task<IysError> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            body = string.Empty;
        }

        string? code = null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                var first = errors[0];
                code = first.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                message = first.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            }

            if (message is null && root.TryGetProperty("message", out var top) && top.ValueKind == JsonValueKind.String)
            {
                message = top.GetString();
            }
        }
        catch (JsonException)
        {
            message = body.Length > 200 ? body[..200] : body;
        }

        return new IysError(code, Mask(message ?? response.ReasonPhrase ?? string.Empty));
    }

    public string Describe(HttpStatusCode status) => string.Create(CultureInfo.InvariantCulture,
        $"HTTP {(int)status}{(Code is null ? string.Empty : " " + Code)}{(Message.Length == 0 ? string.Empty : ": " + Message)}");

    /// <summary>Transient (limits, 5xx, 408) or refused (every other 4xx), with a sentence saying what was being done.</summary>
    public IysApiException ToException(HttpResponseMessage response, string doing)
    {
        var status = response.StatusCode;
        string sentence = $"İYS answered {Describe(status)} when {doing}";
        var retryAfter = response.Headers.RetryAfter?.Delta;
        if (status == HttpStatusCode.TooManyRequests || Code is RateLimited or TooManyLogins)
        {
            return new IysTransientException(sentence, status, Code, Code == TooManyLogins ? retryAfter ?? LoginLimitWait : retryAfter);
        }

        return (int)status >= 500 || status == HttpStatusCode.RequestTimeout
            ? new IysTransientException(sentence, status, Code, retryAfter)
            : new IysRefusedException(sentence, status, Code);
    }

    /// <summary>Masks what could be an address in a message İYS wrote.</summary>
    public static string Mask(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return PlaintextMask.Apply(bytes) ? Encoding.UTF8.GetString(bytes) : text;
    }
}
