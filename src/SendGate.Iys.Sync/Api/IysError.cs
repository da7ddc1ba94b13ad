using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using SendGate.Kafka;

namespace SendGate.Iys.Sync.Api;

/// <summary>
/// İYS's error answer read into its code, where it points and a sentence. İYS's document (docs/iys.md, "Errors")
/// uses four shapes, all read here:
/// <list type="bullet">
/// <item><c>{"errors":[{"code":"H124","message":…}]}</c> — most answers; 422s add <c>index</c>, <c>location</c> (an
/// array of field names and positions) and <c>value</c> (the value refused: a string, a number or an array);</item>
/// <item><c>{"errors":{"code":…,"location":[…],"value":…,"message":…}}</c> — the single object several 422 schemas
/// describe;</item>
/// <item><c>{"error":"invalid_grant","error_description":…}</c> — the token endpoint's OAuth errors;</item>
/// <item>anything else (a proxy's HTML page, an empty body) — kept as at most 200 characters of text.</item>
/// </list>
/// A code may be a string (<c>"H157"</c>) or a number (<c>48</c>), and some of the document's examples spell the key
/// <c>"code:"</c>; both are read. The message and the value are masked before anyone sees them: İYS quotes the value
/// it refused, and that value can be an address.
/// </summary>
internal sealed record IysError(string? Code, string Message, string? Location = null, string? Value = null, int More = 0)
{
    /// <summary>İYS's codes for its per-second request limit (H083 is the older spelling of the same limit).</summary>
    public static readonly string[] PerSecondLimit = ["H124", "H083"];

    /// <summary>İYS's code for too many token requests in an hour.</summary>
    public const string TooManyTokenRequests = "H084";

    /// <summary>A 400 that İYS documents as "the service is busy, try again later".</summary>
    public const string Busy = "H123";

    /// <summary>İYS's code for an update to the status a consent already has (ONAY→ONAY, RET→RET).</summary>
    public const string SameStatus = "H174";

    /// <summary>The first error of <paramref name="body"/> in any of İYS's shapes; never throws.</summary>
    public static IysError Parse(ReadOnlySpan<byte> body, string? fallback = null)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("errors", out var errors))
                {
                    if (errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
                    {
                        return FromItem(errors[0], errors.GetArrayLength() - 1);
                    }

                    if (errors.ValueKind == JsonValueKind.Object)
                    {
                        return FromItem(errors, 0);
                    }
                }

                if (AnswerFields.Text(root, "error") is { } oauth)
                {
                    return new IysError(oauth, Mask(AnswerFields.Text(root, "error_description") ?? string.Empty));
                }

                if (AnswerFields.Text(root, "message") is { } message)
                {
                    return new IysError(AnswerFields.Scalar(root, "code"), Mask(message));
                }
            }
        }
        catch (JsonException)
        {
            // not JSON: fall through to the text
        }

        string text = Encoding.UTF8.GetString(body).Trim();
        return new IysError(null, Mask(text.Length == 0 ? fallback ?? string.Empty : text.Length > 200 ? text[..200] : text));
    }

    /// <summary>"HTTP 422 H157 at consentDate (value '…'): message", with what İYS gave of it.</summary>
    public string Describe(HttpStatusCode status)
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)status}"));
        if (Code is not null)
        {
            text.Append(' ').Append(Code);
        }

        if (Location is not null)
        {
            text.Append(" at ").Append(Location);
        }

        if (Value is not null)
        {
            text.Append(" (value ").Append(Value).Append(')');
        }

        if (Message.Length > 0)
        {
            text.Append(": ").Append(Message);
        }

        if (More > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" (and {More} more errors)");
        }

        return text.ToString();
    }

    /// <summary>
    /// What the failure means for the caller: transient (the per-second limit, 5xx, 408, "busy"), the hourly token limit
    /// (H084, or any 429 from the token endpoint), or refused (every other 4xx: ours to fix).
    /// </summary>
    public IysApiException ToException(HttpResponseMessage response, string doing, TimeProvider clock, bool tokenEndpoint = false)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(clock);
        var status = response.StatusCode;
        string sentence = $"İYS answered {Describe(status)} when {doing}";
        var retryAfter = response.Headers.RetryAfter is { } header
            ? header.Delta ?? (header.Date is { } date ? date - clock.GetUtcNow() : null)
            : null;
        if (Code == TooManyTokenRequests || (tokenEndpoint && status == HttpStatusCode.TooManyRequests))
        {
            return new IysTokenLimitException(sentence, status, Code, clock.GetUtcNow() + IysTokens.LimitWindow);
        }

        return status == HttpStatusCode.TooManyRequests || (int)status >= 500 || status == HttpStatusCode.RequestTimeout || Code == Busy
            ? new IysTransientException(sentence, status, Code, retryAfter > TimeSpan.Zero ? retryAfter : null)
            : new IysRefusedException(sentence, status, Code);
    }

    /// <summary>Masks what could be an address in a text İYS wrote.</summary>
    public static string Mask(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        return PlaintextMask.Apply(bytes) ? Encoding.UTF8.GetString(bytes) : text;
    }

    /// <summary>One error object (<c>{code, message, location?, value?, index?}</c>); <paramref name="more"/> counts the errors after it.</summary>
    public static IysError FromItem(JsonElement item, int more)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return new IysError(null, Mask(item.ToString()), More: more);
        }

        string? code = AnswerFields.Scalar(item, "code") ?? AnswerFields.Scalar(item, "code:");
        string? location = item.TryGetProperty("location", out var where) ? PathOf(where) : null;
        string? value = item.TryGetProperty("value", out var refused) && refused.ValueKind != JsonValueKind.Null
            ? refused.ValueKind == JsonValueKind.String ? "'" + Mask(Shorten(refused.GetString()!)) + "'" : Mask(Shorten(refused.GetRawText()))
            : null;
        if (location is not null && item.TryGetProperty("index", out var index) && index.ValueKind == JsonValueKind.Number)
        {
            location = string.Create(CultureInfo.InvariantCulture, $"item {index.GetRawText()} {location}");
        }

        return new IysError(code, Mask(AnswerFields.Text(item, "message") ?? string.Empty), location, value, more);
    }

    // ["retailerAccess", 0] → retailerAccess[0]; ["consentDate"] → consentDate.
    private static string? PathOf(JsonElement where)
    {
        if (where.ValueKind == JsonValueKind.String)
        {
            return where.GetString();
        }

        if (where.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var part in where.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Number)
            {
                text.Append('[').Append(part.GetRawText()).Append(']');
            }
            else
            {
                text.Append(text.Length == 0 ? string.Empty : ".").Append(part.ToString());
            }
        }

        return text.Length == 0 ? null : text.ToString();
    }

    private static string Shorten(string text) => text.Length > 60 ? text[..57] + "…" : text;
}
