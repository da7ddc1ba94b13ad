using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SendGate.IysSimulator;

/// <summary>
/// İYS's OAuth2 token endpoint (createToken2): a password grant gives an access token (7200 s) and a refresh token
/// (14400 s); the refresh grant trades a live refresh token for a new pair (the old one is spent). İYS allows at most
/// <see cref="SimulatorSettings.TokenRequestsPerHour"/> token requests an hour from one address — logins and refreshes
/// alike — answers more with 429 <c>H084</c>, and counts the hour again from a request made while refused.
/// </summary>
internal sealed class TokenIssuer(SimulatorSettings settings, TimeProvider clock, SimulatorCounters counters)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _access = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _refresh = new();
    private readonly Queue<DateTimeOffset> _requests = new();
    private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;

    public sealed record Pair(string AccessToken, string RefreshToken, int ExpiresIn, int RefreshExpiresIn);

    /// <summary>
    /// Takes one token request into the hourly count; false when it is over the limit (the caller answers H084), in which
    /// case the hour starts again from now, as İYS's document says.
    /// </summary>
    public bool Admit()
    {
        var now = clock.GetUtcNow();
        counters.TokenRequest();
        lock (_requests)
        {
            while (_requests.Count > 0 && _requests.Peek() <= now - TimeSpan.FromHours(1))
            {
                _requests.Dequeue();
            }

            if (now < _blockedUntil || _requests.Count >= settings.TokenRequestsPerHour)
            {
                _blockedUntil = now + TimeSpan.FromHours(1);
                counters.LimitedToken();
                return false;
            }

            _requests.Enqueue(now);
            return true;
        }
    }

    /// <summary>A pair for a password login; null when the credentials are wrong.</summary>
    public Pair? Login(string? username, string? password)
    {
        counters.Login();
        return username == settings.Username && password == settings.Password ? Issue(clock.GetUtcNow()) : null;
    }

    /// <summary>A new pair for a live refresh token (which is then spent); null when it is unknown or expired.</summary>
    public Pair? Refresh(string? refreshToken)
    {
        var now = clock.GetUtcNow();
        if (refreshToken is null || !_refresh.TryRemove(refreshToken, out var expires) || expires <= now)
        {
            return null;
        }

        counters.Refresh();
        return Issue(now);
    }

    public bool IsValid(string? accessToken) => accessToken is not null && _access.TryGetValue(accessToken, out var expires) && expires > clock.GetUtcNow();

    /// <summary>Every access token issued so far stops working (as after İYS restarts its token store).</summary>
    public void RevokeAccessTokens() => _access.Clear();

    private Pair Issue(DateTimeOffset now)
    {
        string access = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        string refresh = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _access[access] = now + settings.TokenLifetime;
        _refresh[refresh] = now + settings.RefreshTokenLifetime;
        return new Pair(access, refresh, (int)settings.TokenLifetime.TotalSeconds, (int)settings.RefreshTokenLifetime.TotalSeconds);
    }
}

/// <summary>What the simulator saw, for tests to assert on (a client that logs in per request shows here).</summary>
public sealed class SimulatorCounters
{
    private long _logins;
    private long _refreshes;
    private long _tokenRequests;
    private long _tokenLimited;
    private long _bulkStatusRequests;
    private long _bulkStatusTooEarly;
    private long _garbled;
    private long _unauthorized;
    private long _pullRequests;
    private long _rateLimited;
    private long _serverErrors;

    public long Logins => Interlocked.Read(ref _logins);

    /// <summary>Every request to the token endpoint, logins, refreshes and refused ones alike (what İYS's hourly limit counts).</summary>
    public long TokenRequests => Interlocked.Read(ref _tokenRequests);

    public long TokenLimited => Interlocked.Read(ref _tokenLimited);

    public long BulkStatusRequests => Interlocked.Read(ref _bulkStatusRequests);

    /// <summary>Answers not in the document's shape, sent because a test armed them.</summary>
    public long Garbled => Interlocked.Read(ref _garbled);

    /// <summary>Bulk-write status requests made sooner than İYS's document allows (300 s after the write).</summary>
    public long BulkStatusTooEarly => Interlocked.Read(ref _bulkStatusTooEarly);

    public long Refreshes => Interlocked.Read(ref _refreshes);

    public long Unauthorized => Interlocked.Read(ref _unauthorized);

    public long PullRequests => Interlocked.Read(ref _pullRequests);

    public long RateLimited => Interlocked.Read(ref _rateLimited);

    public long ServerErrors => Interlocked.Read(ref _serverErrors);

    internal void Login() => Interlocked.Increment(ref _logins);

    internal void TokenRequest() => Interlocked.Increment(ref _tokenRequests);

    internal void Garble() => Interlocked.Increment(ref _garbled);

    internal void LimitedToken() => Interlocked.Increment(ref _tokenLimited);

    internal void BulkStatus(bool tooEarly)
    {
        Interlocked.Increment(ref _bulkStatusRequests);
        if (tooEarly)
        {
            Interlocked.Increment(ref _bulkStatusTooEarly);
        }
    }

    internal void Refresh() => Interlocked.Increment(ref _refreshes);

    internal void Refused() => Interlocked.Increment(ref _unauthorized);

    internal void Pull() => Interlocked.Increment(ref _pullRequests);

    internal void Limited() => Interlocked.Increment(ref _rateLimited);

    internal void Failed() => Interlocked.Increment(ref _serverErrors);
}

/// <summary>How the simulator writes H084, on which İYS's document is silent (it gives the code and status, not the body).</summary>
public enum TokenLimitShape
{
    /// <summary><c>{"errors":[{"code":"H084","message":…}]}</c>, as İYS's other errors.</summary>
    Errors,

    /// <summary><c>{"error":"H084","error_description":…}</c>, as the token endpoint's other errors.</summary>
    OAuth,
}

/// <summary>The account, brands and limits of a simulated İYS.</summary>
public sealed record SimulatorSettings
{
    public string Username { get; init; } = "sendgate";

    public string Password { get; init; } = "sendgate-password";

    public uint IysCode { get; init; } = 123456;

    public IReadOnlyList<uint> Brands { get; init; } = [123457];

    /// <summary>Integration partners and the brands each may act for (integratorList): integrator code → brands with rights.</summary>
    public IReadOnlyDictionary<uint, IReadOnlyList<IntegratorBrand>> Integrators { get; init; } = new Dictionary<uint, IReadOnlyList<IntegratorBrand>>();

    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromSeconds(7200);

    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromSeconds(14400);

    /// <summary>Token requests (logins and refreshes) an hour before H084: İYS's document says 10.</summary>
    public int TokenRequestsPerHour { get; init; } = 10;

    public TokenLimitShape TokenLimitShape { get; init; } = TokenLimitShape.Errors;

    /// <summary>API requests a second before 429/H124 (0: unlimited).</summary>
    public int RequestsPerSecond { get; init; }

    /// <summary>How long after a bulk write its status is still an empty answer (İYS's document: ask no sooner than 300 s).</summary>
    public TimeSpan BulkFirstAnswer { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How long each item of a bulk write stays <c>enqueue</c> once answers begin (items are processed one after another, this apart).</summary>
    public TimeSpan BulkItemTime { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long İYS keeps a bulk write's request id (older ones answer an empty list).</summary>
    public TimeSpan RequestIdsKept { get; init; } = TimeSpan.FromDays(60);

    /// <summary>When İYS's hash of a day's file is ready, after the day ends (GMT+3): queued before half of it, in progress until then.</summary>
    public TimeSpan AgreementReadyAfter { get; init; } = TimeSpan.Zero;

    /// <summary>How long İYS waits for a push receiver to answer (registration fails with H191 past it; its document says 5 s).</summary>
    public TimeSpan PushTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Accept any certificate from push receivers on loopback (tests' self-signed ones); İYS itself checks certificates.</summary>
    public bool TrustLoopbackCertificates { get; init; } = true;

    /// <summary>İYS's largest PULL page (its document: 1,000).</summary>
    public const int MaxPullLimit = 1000;

    /// <summary>İYS's largest bulk write (its document: 1,000).</summary>
    public const int MaxBulkSize = 1000;

    /// <summary>İYS's largest page of the integrator listing (its document: 100).</summary>
    public const int MaxIntegratorPage = 100;
}

/// <summary>A brand an integration partner may act for, with its rights per type (<c>"write"</c>, <c>"read"</c>, or none).</summary>
public sealed record IntegratorBrand(uint IysCode, uint BrandCode, string Name, string? Mesaj = "write", string? Arama = "write", string? Eposta = "write");
