using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace SendGate.Iys.Sync;

/// <summary>
/// The bearer token for İYS, kept and reused: İYS limits logins per hour (<c>H084</c>), so the connector logs in
/// once, refreshes with the refresh token before the access token expires, and logs in again only when the refresh
/// is refused. One token serves every brand and request; concurrent callers share one renewal.
/// </summary>
internal sealed class IysTokens(HttpClient http, IysSyncOptions options, TimeProvider clock, ILogger logger) : IDisposable
{
    // Renew when this much of the lifetime is left, so that no request goes out with a token about to expire.
    private const double RenewAtRemaining = 0.2;
    private readonly SemaphoreSlim _renewal = new(1, 1);
    private Token? _current;

    private sealed record Token(string Access, string? Refresh, DateTimeOffset RenewAt);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);

    /// <summary>A token good for the next request.</summary>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _current) is { } token && clock.GetUtcNow() < token.RenewAt)
        {
            return token.Access;
        }

        await _renewal.WaitAsync(cancellationToken);
        try
        {
            token = _current;
            if (token is not null && clock.GetUtcNow() < token.RenewAt)
            {
                return token.Access; // renewed by another caller while this one waited
            }

            Token? renewed = null;
            if (token?.Refresh is { } refresh)
            {
                renewed = await RequestAsync(new { grant_type = "refresh_token", refresh_token = refresh }, refreshing: true, cancellationToken);
            }

            renewed ??= await RequestAsync(new { grant_type = "password", username = options.Username, password = options.Password }, refreshing: false, cancellationToken);
            Volatile.Write(ref _current, renewed);
            return renewed!.Access;
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
            Interlocked.CompareExchange(ref _current, token with { RenewAt = DateTimeOffset.MinValue }, token);
        }
    }

    public void Dispose() => _renewal.Dispose();

    // Null when a refresh is refused (the caller logs in instead); a refused login is not transient.
    private async Task<Token?> RequestAsync(object body, bool refreshing, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync(new Uri(options.BaseUrl!, "oauth2/token"), body, timeout.Token);
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new IysTransientException($"İYS's token endpoint did not answer: {exception.Message}", inner: exception);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken);
                if (token?.AccessToken is null)
                {
                    throw new IysTransientException("İYS's token endpoint answered without an access_token.");
                }

                var lifetime = TimeSpan.FromSeconds(Math.Max(token.ExpiresIn, 1));
                IysSyncLog.TokenIssued(logger, refreshing ? "refreshed" : "logged in", lifetime.TotalSeconds);
                return new Token(token.AccessToken, token.RefreshToken, clock.GetUtcNow() + (lifetime * (1 - RenewAtRemaining)));
            }

            var error = await IysError.ReadAsync(response, cancellationToken);
            if (refreshing && response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                IysSyncLog.RefreshRefused(logger, error.Describe(response.StatusCode));
                return null;
            }

            throw error.ToException(response, "logging in to İYS");
        }
    }
}
