using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace SendGate.Iys.Sync;

/// <summary>
/// İYS's REST API as the connector calls it, with the token attached and failures sorted: the per-second limit
/// (429/H124), the hourly login limit (H084), 5xx and timeouts are retried with jittered exponential backoff
/// (honouring Retry-After); a 401 renews the token and retries; any other 4xx is ours and is not retried.
/// </summary>
public sealed class IysApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly IysTokens _tokens;
    private readonly IysSyncOptions _options;
    private readonly ResiliencePipeline _retry;

    public IysApi(HttpClient http, IysSyncOptions options, TimeProvider clock, ILogger logger, IysSyncMetrics metrics)
    {
        _http = http;
        _options = options;
        _tokens = new IysTokens(http, options, clock, logger);
        // Polly takes at least one retry: zero retries (tests, or an operator's choice) is no retry strategy at all.
        _retry = options.MaxRetries <= 0 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<IysTransientException>(),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is IysTransientException { RetryAfter: { } wait } ? wait : (TimeSpan?)null),
                OnRetry = args =>
                {
                    var failure = (IysTransientException)args.Outcome.Exception!;
                    metrics.RecordRetry(failure.Code ?? (failure.Status is { } status ? ((int)status).ToString(CultureInfo.InvariantCulture) : "network"));
                    IysSyncLog.Retrying(logger, failure.Message, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>One PULL page of a brand's changes from one source, after <paramref name="after"/> (null: from the oldest İYS keeps).</summary>
    internal Task<ChangesPage> GetChangesAsync(uint brand, string source, string? after, CancellationToken cancellationToken)
    {
        string path = string.Create(CultureInfo.InvariantCulture, $"sps/{_options.IysCode}/brands/{brand}/consents/changes?source={source}&limit={_options.PageSize}")
            + (after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after));
        return SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), async (response, token) => ChangesPage.Parse(await response.Content.ReadAsByteArrayAsync(token)),
            string.Create(CultureInfo.InvariantCulture, $"pulling brand {brand} source {source}"), cancellationToken);
    }

    /// <summary>The daily change file (mutabakat) of one brand for one İYS day: CSV, the last 7 days only.</summary>
    public Task<byte[]> GetChangeFileAsync(uint brand, DateOnly day, CancellationToken cancellationToken)
    {
        string path = string.Create(CultureInfo.InvariantCulture, $"sps/{_options.IysCode}/brands/{brand}/changes/{day:yyyy-MM-dd}/file");
        return SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), (response, token) => response.Content.ReadAsByteArrayAsync(token),
            string.Create(CultureInfo.InvariantCulture, $"downloading brand {brand}'s change file of {day:yyyy-MM-dd}"), cancellationToken);
    }

    /// <summary>An asynchronous bulk write (<c>POST …/consents/request</c>); İYS answers with the request's id.</summary>
    internal Task<string> SubmitConsentsAsync(uint brand, IReadOnlyList<IysConsentWrite> consents, CancellationToken cancellationToken)
    {
        string path = string.Create(CultureInfo.InvariantCulture, $"sps/{_options.IysCode}/brands/{brand}/consents/request");
        return SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(consents, options: Json) },
            async (response, token) => (await response.Content.ReadFromJsonAsync<SubmitAnswer>(Json, token))?.RequestId
                ?? throw new IysTransientException("İYS accepted a bulk write without a requestId"),
            string.Create(CultureInfo.InvariantCulture, $"uploading {consents.Count} consents of brand {brand}"), cancellationToken);
    }

    /// <summary>A bulk write's per-item results; null while İYS is still processing it.</summary>
    internal Task<IReadOnlyList<IysWriteResult>?> GetRequestAsync(uint brand, string requestId, CancellationToken cancellationToken)
    {
        string path = string.Create(CultureInfo.InvariantCulture, $"sps/{_options.IysCode}/brands/{brand}/consents/request/{Uri.EscapeDataString(requestId)}");
        return SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, path),
            async (response, token) => await response.Content.ReadFromJsonAsync<RequestAnswer>(Json, token) is { Status: "COMPLETED" } done ? (IReadOnlyList<IysWriteResult>?)done.List : null,
            string.Create(CultureInfo.InvariantCulture, $"reading bulk request {requestId} of brand {brand}"), cancellationToken);
    }

    public void Dispose() => _tokens.Dispose();

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    private sealed record SubmitAnswer(string? RequestId);

    private sealed record RequestAnswer(string? Status, List<IysWriteResult> List);

    private Task<T> SendAsync<T>(Func<HttpRequestMessage> build, Func<HttpResponseMessage, CancellationToken, Task<T>> read, string doing, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(async token => await AttemptAsync(build, read, doing, token), cancellationToken).AsTask();

    private async Task<T> AttemptAsync<T>(Func<HttpRequestMessage> build, Func<HttpResponseMessage, CancellationToken, Task<T>> read, string doing, CancellationToken cancellationToken)
    {
        string access = await _tokens.GetAsync(cancellationToken);
        using var request = build();
        request.RequestUri = new Uri(_options.BaseUrl!, request.RequestUri!);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return await read(response, timeout.Token);
            }

            var error = await IysError.ReadAsync(response, timeout.Token);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                _tokens.Refused(access);
                throw new IysTransientException($"İYS refused the access token when {doing}; renewing it", response.StatusCode, error.Code, TimeSpan.Zero);
            }

            throw error.ToException(response, doing);
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            string what = exception is OperationCanceledException
                ? string.Create(CultureInfo.InvariantCulture, $"no answer within {_options.RequestTimeout.TotalSeconds:F0} s")
                : exception.Message;
            throw new IysTransientException($"İYS did not answer when {doing}: {what}", inner: exception);
        }
    }
}

/// <summary>One consent as İYS's write endpoints take it.</summary>
internal sealed record IysConsentWrite(string Type, string Recipient, string RecipientType, string Status, string ConsentDate, string Source);

/// <summary>İYS's answer for one item of a bulk write: SUCCESS with a transactionId, or FAILURE with İYS's errors.</summary>
internal sealed record IysWriteResult(int Index, string? Status, string? TransactionId, List<IysWriteError>? Errors)
{
    public bool Succeeded => Status == "SUCCESS";
}

internal sealed record IysWriteError(string? Code, string? Message);
