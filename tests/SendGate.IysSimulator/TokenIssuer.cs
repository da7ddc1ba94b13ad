using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SendGate.IysSimulator;

/// <summary>
/// İYS's OAuth2 token endpoint: a password grant gives an access token (7200 s) and a refresh token; the refresh
/// grant trades a refresh token for a new pair; more than <see cref="SimulatorSettings.LoginsPerHour"/> password
/// logins in an hour are refused with <c>H084</c>.
/// </summary>
internal sealed class TokenIssuer(SimulatorSettings settings, TimeProvider clock, SimulatorCounters counters)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _access = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _refresh = new();
    private readonly Queue<DateTimeOffset> _logins = new();

    public sealed record Pair(string AccessToken, string RefreshToken, int ExpiresIn);

    /// <summary>A pair for a password login; null with <paramref name="limited"/> when the hourly limit is spent or the credentials are wrong.</summary>
    public Pair? Login(string? username, string? password, out bool limited)
    {
        var now = clock.GetUtcNow();
        limited = false;
        lock (_logins)
        {
            while (_logins.Count > 0 && _logins.Peek() <= now - TimeSpan.FromHours(1))
            {
                _logins.Dequeue();
            }

            if (_logins.Count >= settings.LoginsPerHour)
            {
                limited = true;
                return null;
            }

            _logins.Enqueue(now);
        }

        counters.Login();
        return username == settings.Username && password == settings.Password ? Issue(now) : null;
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
        return new Pair(access, refresh, (int)settings.TokenLifetime.TotalSeconds);
    }
}

/// <summary>What the simulator saw, for tests to assert on (a client that logs in per request shows here).</summary>
public sealed class SimulatorCounters
{
    private long _logins;
    private long _refreshes;
    private long _unauthorized;
    private long _pullRequests;
    private long _rateLimited;
    private long _serverErrors;

    public long Logins => Interlocked.Read(ref _logins);

    public long Refreshes => Interlocked.Read(ref _refreshes);

    public long Unauthorized => Interlocked.Read(ref _unauthorized);

    public long PullRequests => Interlocked.Read(ref _pullRequests);

    public long RateLimited => Interlocked.Read(ref _rateLimited);

    public long ServerErrors => Interlocked.Read(ref _serverErrors);

    internal void Login() => Interlocked.Increment(ref _logins);

    internal void Refresh() => Interlocked.Increment(ref _refreshes);

    internal void Refused() => Interlocked.Increment(ref _unauthorized);

    internal void Pull() => Interlocked.Increment(ref _pullRequests);

    internal void Limited() => Interlocked.Increment(ref _rateLimited);

    internal void Failed() => Interlocked.Increment(ref _serverErrors);
}

/// <summary>The account, brands and limits of a simulated İYS.</summary>
public sealed record SimulatorSettings
{
    public string Username { get; init; } = "sendgate";

    public string Password { get; init; } = "sendgate-password";

    public uint IysCode { get; init; } = 123456;

    public IReadOnlyList<uint> Brands { get; init; } = [123457];

    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromSeconds(7200);

    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromHours(4);

    public int LoginsPerHour { get; init; } = 10;

    /// <summary>API requests a second before 429/H124 (0: unlimited).</summary>
    public int RequestsPerSecond { get; init; }

    /// <summary>How long a bulk write request stays "processing" before its results can be read.</summary>
    public TimeSpan BulkProcessingTime { get; init; } = TimeSpan.FromMilliseconds(300);

    public const int MaxPullLimit = 999;

    public const int MaxBulkSize = 1000;
}
