using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace SendGate.Iys.Sync.Api;

/// <summary>
/// The bearer token for İYS (<c>POST /oauth2/token</c>, operation createToken2), kept, reused and spent sparingly.
/// İYS allows at most 10 token requests an hour from one address — logins and refreshes alike — answers a further one
/// with 429 <c>H084</c>, and restarts the hour if asked again before it is over. So:
/// <list type="bullet">
/// <item>one token serves every brand, loop and request; it is renewed with the refresh token when a fifth of its
/// life is left (or İYS answered 401), and a new login happens only when the refresh is refused or expired;</item>
/// <item>every token request is counted against <see cref="IysSyncOptions.TokenRequestsPerHour"/> (10 by default);
/// when the budget is spent, or after İYS answered H084, no token request is made until the hour is over — the call
/// fails at once with <see cref="IysTokenLimitException"/> naming the time;</item>
/// <item>the tokens, the times of recent requests and a block are kept in <c>{Iys:CursorPath}/iys-token.json</c>
/// (replaced atomically, readable by its owner only, never logged), so that one-shot commands run from cron reuse the
/// worker's token instead of logging in every run. A file written for another account or İYS root is ignored.</item>
/// </list>
/// </summary>
internal sealed class IysTokens : IDisposable
{
    /// <summary>The window İYS counts token requests in, and how long it refuses them after H084.</summary>
    public static readonly TimeSpan LimitWindow = TimeSpan.FromHours(1);

    // Renew when this much of the lifetime is left, so that no request goes out with a token about to expire.
    private const double RenewAtRemaining = 0.2;
    private const int DefaultLifetimeSeconds = 7200;
    private const int DefaultRefreshLifetimeSeconds = 14400;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly IysSyncOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly string _path;
    private readonly string _account;
    private readonly SemaphoreSlim _renewal = new(1, 1);
    private TokenState? _current;

    public IysTokens(HttpClient http, IysSyncOptions options, TimeProvider clock, ILogger logger)
    {
        _http = http;
        _options = options;
        _clock = clock;
        _logger = logger;
        _path = Path.Combine(options.CursorPath, "iys-token.json");
        _account = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{options.BaseUrl}\n{options.Username}")));
    }

    /// <summary>What is kept between runs: the pair, when to renew, recent token requests, and İYS's block if any.</summary>
    internal sealed record TokenState(string Account, string? Access, DateTimeOffset RenewAt, string? Refresh, DateTimeOffset RefreshExpiresAt,
        List<DateTimeOffset> Requests, DateTimeOffset? BlockedUntil);

    /// <summary>A token good for the next request.</summary>
    /// <exception cref="IysTokenLimitException">No token can be had before the time it names.</exception>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _current) is { Access: { } access } token && _clock.GetUtcNow() < token.RenewAt)
        {
            return access;
        }

        await _renewal.WaitAsync(cancellationToken);
        try
        {
            var state = Load(); // another process (the worker, a cron job) may have renewed it meanwhile
            var now = _clock.GetUtcNow();
            if (state.Access is { } kept && now < state.RenewAt)
            {
                Volatile.Write(ref _current, state);
                return kept;
            }

            if (state.BlockedUntil is { } blocked && now < blocked)
            {
                throw new IysTokenLimitException(
                    $"İYS refused token requests (H084) and counts the hour again if asked before it ends: the next token request is possible at {blocked:yyyy-MM-dd HH:mm:ss}Z",
                    HttpStatusCode.TooManyRequests, IysError.TooManyTokenRequests, blocked);
            }

            TokenState? renewed = null;
            if (state.Refresh is { } refresh && now < state.RefreshExpiresAt)
            {
                state = Spend(state);
                renewed = await RequestAsync(state, new { grant_type = "refresh_token", refresh_token = refresh }, refreshing: true, cancellationToken);
                if (renewed is null)
                {
                    state = state with { Access = null, Refresh = null };
                }
            }

            if (renewed is null)
            {
                state = Spend(state);
                renewed = await RequestAsync(state, new { grant_type = "password", username = _options.Username, password = _options.Password }, refreshing: false, cancellationToken);
            }

            Save(renewed!);
            Volatile.Write(ref _current, renewed);
            return renewed!.Access!;
        }
        finally
        {
            _renewal.Release();
        }
    }

    /// <summary>İYS refused <paramref name="access"/> (401): the next request renews it (by refresh first).</summary>
    public void Refused(string access)
    {
        var token = Volatile.Read(ref _current);
        if (token is not null && token.Access == access)
        {
            var expired = token with { RenewAt = DateTimeOffset.MinValue };
            if (Interlocked.CompareExchange(ref _current, expired, token) == token)
            {
                Save(expired);
            }
        }
    }

    public void Dispose() => _renewal.Dispose();

    // One more token request, if the budget allows it; kept on disk before it is made, so that a crash still counts it.
    private TokenState Spend(TokenState state)
    {
        var now = _clock.GetUtcNow();
        var recent = state.Requests.Where(at => at > now - LimitWindow).Order().ToList();
        if (recent.Count >= _options.TokenRequestsPerHour)
        {
            var next = recent[^_options.TokenRequestsPerHour] + LimitWindow;
            throw new IysTokenLimitException(
                $"{recent.Count} token requests to İYS in the last hour (Iys:TokenRequestsPerHour = {_options.TokenRequestsPerHour}; İYS allows 10 an hour per address): the next is possible at {next:yyyy-MM-dd HH:mm:ss}Z",
                null, null, next);
        }

        recent.Add(now);
        var spent = state with { Requests = recent };
        Save(spent);
        return spent;
    }

    // Null when a refresh is refused (the caller logs in instead); a refused login is not transient.
    private async Task<TokenState?> RequestAsync(TokenState state, object body, bool refreshing, CancellationToken cancellationToken)
    {
        string doing = refreshing ? "refreshing the İYS token" : "logging in to İYS";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.BaseUrl!, "oauth2/token")) { Content = JsonContent.Create(body) };
        using var exchange = await IysTransport.SendAsync(_http, request, _options.RequestTimeout, doing, cancellationToken);
        if (exchange.Response.IsSuccessStatusCode)
        {
            var issued = Parse(exchange.Body);
            var now = _clock.GetUtcNow();
            IysSyncLog.TokenIssued(_logger, refreshing ? "refreshed" : "logged in", issued.Lifetime.TotalSeconds);
            return state with
            {
                Access = issued.Access,
                RenewAt = now + (issued.Lifetime * (1 - RenewAtRemaining)),
                Refresh = issued.Refresh,
                RefreshExpiresAt = now + issued.RefreshLifetime,
                BlockedUntil = null,
            };
        }

        var error = IysError.Parse(exchange.Body, exchange.Response.ReasonPhrase);
        var failure = error.ToException(exchange.Response, doing, _clock, tokenEndpoint: true);
        if (failure is IysTokenLimitException limit)
        {
            Save(state with { BlockedUntil = limit.Until });
            throw failure;
        }

        if (refreshing && failure is IysRefusedException)
        {
            IysSyncLog.RefreshRefused(_logger, error.Describe(exchange.Status));
            return null;
        }

        throw failure;
    }

    private static (string Access, string? Refresh, TimeSpan Lifetime, TimeSpan RefreshLifetime) Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("access_token", out var access) && access.ValueKind == JsonValueKind.String)
            {
                string? refresh = root.TryGetProperty("refresh_token", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                return (access.GetString()!, refresh, Seconds(root, "expires_in", DefaultLifetimeSeconds), Seconds(root, "refresh_expires_in", DefaultRefreshLifetimeSeconds));
            }
        }
        catch (JsonException)
        {
            // said below
        }

        throw new IysUnexpectedAnswerException("createToken2", "İYS's token endpoint answered success without an access_token (not the document's shape)");
    }

    private static TimeSpan Seconds(JsonElement root, string name, int fallback) =>
        TimeSpan.FromSeconds(root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int seconds) && seconds > 0 ? seconds : fallback);

    private TokenState Load()
    {
        var empty = new TokenState(_account, null, DateTimeOffset.MinValue, null, DateTimeOffset.MinValue, [], null);
        try
        {
            if (File.Exists(_path) && JsonSerializer.Deserialize<TokenState>(File.ReadAllBytes(_path), Json) is { } stored && stored.Account == _account)
            {
                return stored with { Requests = stored.Requests ?? [] };
            }
        }
        catch (Exception exception) when (exception is JsonException or IOException or UnauthorizedAccessException)
        {
            // an unreadable cache costs one token request, nothing else
        }

        return _current ?? empty;
    }

    private void Save(TokenState state)
    {
        try
        {
            DurableJson.Replace(_path, state, Json, secret: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // the token still works in this process; the next run may log in again
        }
    }
}
