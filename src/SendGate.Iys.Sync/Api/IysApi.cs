using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using SendGate.Core.Domain;

namespace SendGate.Iys.Sync.Api;

/// <summary>A brand as İYS's paths name it: the provider's iysCode and the brand's brandCode.</summary>
public readonly record struct IysBrand(uint IysCode, uint BrandCode)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{BrandCode}");

    internal string Path => string.Create(CultureInfo.InvariantCulture, $"sps/{IysCode}/brands/{BrandCode}");
}

/// <summary>
/// İYS's REST API as the connector calls it, one method per operation of İYS's OpenAPI document (its operation name
/// in each summary; docs/iys.md has the table). Every call carries the shared token and is sorted on failure: the
/// per-second limit (429/H124), 5xx, 408, "busy" (H123) and timeouts are retried with jittered exponential backoff
/// (honouring Retry-After); a 401 renews the token and retries; the hourly token limit fails at once with the time it
/// lifts; any other 4xx is ours and is not retried; an answer not in the document's shape is counted
/// (<c>sendgate_iys_unexpected_answers_total</c>) and fails that call, never taken as a result.
/// </summary>
public sealed class IysApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly IysTokens _tokens;
    private readonly IysSyncOptions _options;
    private readonly TimeProvider _clock;
    private readonly IysSyncMetrics _metrics;
    private readonly ResiliencePipeline _retry;
    private readonly ResiliencePipeline _retryLimitsOnly;

    public IysApi(HttpClient http, IysSyncOptions options, TimeProvider clock, ILogger logger, IysSyncMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options;
        _clock = clock;
        _metrics = metrics;
        _tokens = new IysTokens(http, options, clock, logger);
        _retry = Retry(options, clock, logger, metrics, limitsOnly: false);
        _retryLimitsOnly = Retry(options, clock, logger, metrics, limitsOnly: true);
    }

    /// <summary>PullPerBrandCode: one page of a brand's changes from one source after <paramref name="after"/> (null: from the oldest İYS keeps); 204 is an empty page.</summary>
    internal Task<ChangesPage> GetChangesAsync(IysBrand brand, string source, string? after, CancellationToken cancellationToken)
    {
        string path = string.Create(CultureInfo.InvariantCulture, $"{brand.Path}/consents/changes?source={source}&limit={_options.PageSize}")
            + (after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after));
        return SendAsync(ChangesPage.Operation, () => new HttpRequestMessage(HttpMethod.Get, path),
            (status, body) => status == HttpStatusCode.NoContent ? ChangesPage.Empty : ChangesPage.Parse(body),
            $"pulling brand {brand} source {source}", cancellationToken);
    }

    /// <summary>agreementFile: the daily change file of one brand for one İYS day (CSV, the last 7 days); null when İYS has none (204).</summary>
    public Task<byte[]?> GetChangeFileAsync(IysBrand brand, DateOnly day, CancellationToken cancellationToken) =>
        SendAsync("agreementFile", () => new HttpRequestMessage(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"{brand.Path}/changes/{day:yyyy-MM-dd}/file")),
            (status, body) => status == HttpStatusCode.NoContent ? null : body,
            string.Create(CultureInfo.InvariantCulture, $"downloading brand {brand}'s change file of {day:yyyy-MM-dd}"), cancellationToken);

    /// <summary>addBatchConsent: an asynchronous bulk write (at most 1,000); İYS answers 202 with the request's id.</summary>
    internal Task<string> SubmitConsentsAsync(IysBrand brand, IReadOnlyList<IysConsentWrite> consents, CancellationToken cancellationToken) =>
        SendAsync("addBatchConsent",
            () => new HttpRequestMessage(HttpMethod.Post, brand.Path + "/consents/request") { Content = JsonContent.Create(consents, options: IysConsentWrite.Json) },
            (_, body) => IysConsentWrite.RequestId(body),
            string.Create(CultureInfo.InvariantCulture, $"uploading {consents.Count} consents of brand {brand}"), cancellationToken);

    /// <summary>searchRequestDetails: what İYS did with each item of a bulk write so far (empty: nothing yet).</summary>
    internal Task<IReadOnlyList<BulkItemStatus>> GetBulkStatusAsync(IysBrand brand, string requestId, CancellationToken cancellationToken) =>
        SendAsync(BulkWriteStatus.Operation,
            () => new HttpRequestMessage(HttpMethod.Get, $"{brand.Path}/consents/request/{Uri.EscapeDataString(requestId)}"),
            (_, body) => BulkWriteStatus.Parse(body),
            $"reading bulk request {requestId} of brand {brand}", cancellationToken);

    /// <summary>agreementsDate: İYS's hash of the day's change file and the agreement's state; null when İYS has none yet (204).</summary>
    public Task<AgreementInfo?> GetAgreementAsync(IysBrand brand, DateOnly day, CancellationToken cancellationToken) =>
        SendAsync("agreementsDate", () => new HttpRequestMessage(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"{brand.Path}/agreements/{day:yyyy-MM-dd}")),
            (status, body) => status == HttpStatusCode.NoContent ? null : ReconciliationAnswers.Agreement(body),
            string.Create(CultureInfo.InvariantCulture, $"reading brand {brand}'s reconciliation of {day:yyyy-MM-dd}"), cancellationToken);

    /// <summary>agreementDatePut: records that both sides agree on the day; İYS's agreementCaptured, or null when it had no changes to agree on (204).</summary>
    public Task<bool?> RecordAgreementAsync(IysBrand brand, DateOnly day, CancellationToken cancellationToken) =>
        SendAsync("agreementDatePut",
            () => new HttpRequestMessage(HttpMethod.Put, string.Create(CultureInfo.InvariantCulture, $"{brand.Path}/agreements/{day:yyyy-MM-dd}")) { Content = JsonContent.Create(new { agreementStatus = true }) },
            (status, body) => status == HttpStatusCode.NoContent ? null : (bool?)ReconciliationAnswers.Captured(body),
            string.Create(CultureInfo.InvariantCulture, $"recording brand {brand}'s agreement of {day:yyyy-MM-dd}"), cancellationToken, limitsOnly: true);

    /// <summary>changeSummary: İYS's counts of the day's changes per type and source group, for one recipient type.</summary>
    public Task<IReadOnlyList<ChangeStat>> GetChangeSummaryAsync(IysBrand brand, DateOnly day, RecipientType recipientType, CancellationToken cancellationToken) =>
        SendAsync("changeSummary",
            () => new HttpRequestMessage(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"{brand.Path}/changes/{day:yyyy-MM-dd}/recipients/{recipientType.Name()}")),
            (status, body) => status == HttpStatusCode.NoContent ? [] : ReconciliationAnswers.Summary(body),
            string.Create(CultureInfo.InvariantCulture, $"reading brand {brand}'s {recipientType.Name()} summary of {day:yyyy-MM-dd}"), cancellationToken);

    /// <summary>integratorList: every brand an integration partner may act for, all pages.</summary>
    public async Task<IReadOnlyList<AuthorizedBrand>> ListAuthorizedBrandsAsync(uint integratorCode, CancellationToken cancellationToken)
    {
        var brands = new List<AuthorizedBrand>();
        for (long offset = 0; ;)
        {
            long at = offset;
            var (page, total) = await SendAsync(AuthorizedBrands.Operation,
                () => new HttpRequestMessage(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"integrator/{integratorCode}/sps?offset={at}&limit={AuthorizedBrands.PageSize}")),
                (_, body) => AuthorizedBrands.Page(body),
                string.Create(CultureInfo.InvariantCulture, $"listing the brands integrator {integratorCode} may act for"), cancellationToken);
            brands.AddRange(page);
            offset += page.Count;
            if (page.Count == 0 || offset >= total)
            {
                return brands;
            }
        }
    }

    /// <summary>pushRegistration: asks İYS to post citizens' changes of one type to <paramref name="connection"/>'s URL (İYS tests it first).</summary>
    public Task<string> RegisterPushAsync(IysBrand brand, PushConnection connection, CancellationToken cancellationToken) =>
        SendAsync("pushRegistration",
            () => new HttpRequestMessage(HttpMethod.Post, brand.Path + "/push/registration") { Content = JsonContent.Create(PushConnections.Registration(connection)) },
            (_, body) => PushConnections.Message(body, "pushRegistration"),
            $"registering a push connection of brand {brand} for {connection.Type}", cancellationToken, limitsOnly: true);

    /// <summary>getPushRegistration: the brand's push connections and their state.</summary>
    public Task<IReadOnlyList<PushConnectionState>> ListPushAsync(IysBrand brand, CancellationToken cancellationToken) =>
        SendAsync("getPushRegistration", () => new HttpRequestMessage(HttpMethod.Get, brand.Path + "/push/registration"),
            (_, body) => PushConnections.List(body), $"listing brand {brand}'s push connections", cancellationToken);

    /// <summary>pushUnregistration: removes one push connection (url, type and its credentials, as registered).</summary>
    public Task<string> UnregisterPushAsync(IysBrand brand, PushConnection connection, CancellationToken cancellationToken) =>
        SendAsync("pushUnregistration",
            () => new HttpRequestMessage(HttpMethod.Post, brand.Path + "/push/unregistration") { Content = JsonContent.Create(connection) },
            (_, body) => PushConnections.Message(body, "pushUnregistration"),
            $"removing a push connection of brand {brand} for {connection.Type}", cancellationToken, limitsOnly: true);

    public void Dispose() => _tokens.Dispose();

    // Transient failures retried with backoff; with limitsOnly, only what İYS refused before doing anything (429, 401): a
    // request that timed out may have been done, and a registration or an agreement is not sent twice blindly.
    private static ResiliencePipeline Retry(IysSyncOptions options, TimeProvider clock, ILogger logger, IysSyncMetrics metrics, bool limitsOnly) =>
        // Polly takes at least one retry: zero retries (tests, or an operator's choice) is no retry strategy at all.
        options.MaxRetries <= 0 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<IysTransientException>(failure => !limitsOnly || failure.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized),
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

    private async Task<T> SendAsync<T>(string operation, Func<HttpRequestMessage> build, Func<HttpStatusCode, byte[], T> read, string doing, CancellationToken cancellationToken, bool limitsOnly = false)
    {
        try
        {
            return await (limitsOnly ? _retryLimitsOnly : _retry).ExecuteAsync(async token => await AttemptAsync(build, read, doing, token), cancellationToken);
        }
        catch (IysUnexpectedAnswerException unexpected)
        {
            _metrics.RecordUnexpectedAnswer(unexpected.Operation.Length > 0 ? unexpected.Operation : operation);
            throw;
        }
    }

    private async Task<T> AttemptAsync<T>(Func<HttpRequestMessage> build, Func<HttpStatusCode, byte[], T> read, string doing, CancellationToken cancellationToken)
    {
        string access = await _tokens.GetAsync(cancellationToken);
        using var request = build();
        request.RequestUri = new Uri(_options.BaseUrl!, request.RequestUri!);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
        using var exchange = await IysTransport.SendAsync(_http, request, _options.RequestTimeout, doing, cancellationToken);
        if (exchange.Response.IsSuccessStatusCode)
        {
            return read(exchange.Status, exchange.Body);
        }

        var error = IysError.Parse(exchange.Body, exchange.Response.ReasonPhrase);
        if (exchange.Status == HttpStatusCode.Unauthorized)
        {
            _tokens.Refused(access);
            throw new IysTransientException($"İYS refused the access token when {doing} ({error.Describe(exchange.Status)}); renewing it", exchange.Status, error.Code, TimeSpan.Zero);
        }

        throw error.ToException(exchange.Response, doing, _clock);
    }
}
