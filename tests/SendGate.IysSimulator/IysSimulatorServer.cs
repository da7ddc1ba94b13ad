using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SendGate.IysSimulator;

/// <summary>
/// The simulated İYS over real HTTP: <c>POST /oauth2/token</c>; under <c>/sps/{iysCode}/brands/{brandCode}</c>
/// PULL (<c>GET consents/changes</c>), the daily change file (<c>GET changes/{date}/file</c>), single and bulk writes
/// (<c>POST consents</c>, <c>POST consents/request</c>, <c>GET consents/request/{id}</c>). Errors have İYS's shape,
/// <c>{"status":…,"message":…,"errors":[{"code":…,"message":…}]}</c>. Start it with <see cref="StartAsync"/>.
/// </summary>
public sealed class IysSimulatorServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly WebApplication _app;
    private readonly SimulatorSettings _settings;
    private readonly TimeProvider _clock;
    private readonly TokenIssuer _tokens;
    private readonly PullCursor _cursors = new(RandomNumberGenerator.GetBytes(32));
    private readonly ConcurrentDictionary<string, (DateTimeOffset ReadyAt, WriteOutcome[] Outcomes)> _bulk = new();
    private readonly Queue<DateTimeOffset> _recentRequests = new();

    private IysSimulatorServer(WebApplication app, SimulatorSettings settings, TimeProvider clock)
    {
        _app = app;
        _settings = settings;
        _clock = clock;
        Registry = new IysRegistry(clock);
        foreach (uint brand in settings.Brands)
        {
            Registry.AddBrand(brand);
        }

        _tokens = new TokenIssuer(settings, clock, Counters);
    }

    public Uri BaseUrl { get; private set; } = null!;

    public IysRegistry Registry { get; }

    public SimulatorFaults Faults { get; } = new();

    public SimulatorCounters Counters { get; } = new();

    /// <summary>
    /// The transaction ids of a brand's changes from one source at or before <paramref name="cursor"/> (none for null):
    /// what a client holding that cursor has been given — for tests that check a connector's cursor never runs ahead.
    /// </summary>
    public IReadOnlyList<string> TransactionsUpTo(uint brand, string source, string? cursor)
    {
        if (cursor is null)
        {
            return [];
        }

        if (!_cursors.TryDecode(cursor, brand, source, out var position))
        {
            throw new ArgumentException("not a cursor of this brand and source", nameof(cursor));
        }

        return Registry.UpTo(brand, source, position.CreatedAt, position.Sequence).Select(change => change.TransactionId).ToList();
    }

    public static async Task<IysSimulatorServer> StartAsync(SimulatorSettings settings, TimeProvider? clock = null, string url = "http://127.0.0.1:0", string[]? args = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        var server = new IysSimulatorServer(app, settings, clock ?? TimeProvider.System);
        server.Map();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map()
    {
        _app.MapPost("/oauth2/token", Token);
        var api = _app.MapGroup("/sps/{iysCode}/brands/{brandCode}").AddEndpointFilter(Guard);
        api.MapGet("/consents/changes", Pull);
        api.MapGet("/changes/{date}/file", ChangeFile);
        api.MapPost("/consents", WriteOne);
        api.MapPost("/consents/request", WriteMany);
        api.MapGet("/consents/request/{requestId}", RequestResult);
        _app.MapPost("/_sim/faults", (FaultRequest faults) =>
        {
            Faults.RateLimitNext(faults.RateLimited);
            Faults.FailNext(faults.ServerErrors);
            Faults.SlowNext(faults.Slow, TimeSpan.FromMilliseconds(faults.SlowMilliseconds));
            return Results.NoContent();
        });
        _app.MapGet("/_sim/stats", () => Results.Json(new
        {
            logins = Counters.Logins,
            refreshes = Counters.Refreshes,
            pullRequests = Counters.PullRequests,
            rateLimited = Counters.RateLimited,
            serverErrors = Counters.ServerErrors,
        }));
    }

    private sealed record FaultRequest(int RateLimited, int ServerErrors, int Slow, int SlowMilliseconds);

    private sealed record TokenRequest(
        [property: System.Text.Json.Serialization.JsonPropertyName("grant_type")] string? GrantType,
        string? Username,
        string? Password,
        [property: System.Text.Json.Serialization.JsonPropertyName("refresh_token")] string? RefreshToken);

    private static IResult Error(int status, string? code, string message) =>
        Results.Json(new { status, message, errors = new[] { new { code, message } } }, statusCode: status);

    private async Task<IResult> Token(HttpRequest body)
    {
        TokenRequest? request;
        try
        {
            request = await body.ReadFromJsonAsync<TokenRequest>(Json);
        }
        catch (JsonException)
        {
            return Error(400, null, "The token request is not JSON.");
        }

        TokenIssuer.Pair? pair;
        switch (request?.GrantType)
        {
            case "password":
                pair = _tokens.Login(request.Username, request.Password, out bool limited);
                if (limited)
                {
                    return Error(429, "H084", "Saatlik token alma limiti aşıldı (too many logins this hour).");
                }

                break;
            case "refresh_token":
                pair = _tokens.Refresh(request.RefreshToken);
                break;
            default:
                return Error(400, null, "grant_type must be password or refresh_token.");
        }

        return pair is null
            ? Error(401, null, "invalid_grant: the credentials or refresh token were refused.")
            : Results.Json(new { access_token = pair.AccessToken, refresh_token = pair.RefreshToken, expires_in = pair.ExpiresIn, token_type = "bearer" });
    }

    // Before every API call, in İYS's order as a client sees it: slowness, outages, the per-second limit, then authentication and the account's brands.
    private async ValueTask<object?> Guard(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var delay = Faults.TakeDelay();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, context.RequestAborted);
        }

        if (Faults.TakeServerError())
        {
            Counters.Failed();
            return Error(503, null, "Service Unavailable");
        }

        if (Faults.TakeRateLimited() || OverRate())
        {
            Counters.Limited();
            return Error(429, "H124", "İstek limiti aşıldı (too many requests per second).");
        }

        if (Faults.TakeRevoke())
        {
            _tokens.RevokeAccessTokens();
        }

        string? authorization = context.Request.Headers.Authorization;
        string? token = authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..] : null;
        if (!_tokens.IsValid(token))
        {
            Counters.Refused();
            return Error(401, null, "The access token is missing, expired or unknown.");
        }

        var values = context.Request.RouteValues;
        if (!uint.TryParse(values["iysCode"] as string, CultureInfo.InvariantCulture, out uint iysCode) || iysCode != _settings.IysCode
            || !uint.TryParse(values["brandCode"] as string, CultureInfo.InvariantCulture, out uint brand) || !Registry.HasBrand(brand))
        {
            return Error(403, null, "The account has no access to this iysCode and brandCode.");
        }

        return await next(invocation);
    }

    private bool OverRate()
    {
        if (_settings.RequestsPerSecond <= 0)
        {
            return false;
        }

        var now = _clock.GetUtcNow();
        lock (_recentRequests)
        {
            while (_recentRequests.Count > 0 && _recentRequests.Peek() <= now - TimeSpan.FromSeconds(1))
            {
                _recentRequests.Dequeue();
            }

            if (_recentRequests.Count >= _settings.RequestsPerSecond)
            {
                return true;
            }

            _recentRequests.Enqueue(now);
            return false;
        }
    }

    private async Task Pull(HttpContext context, uint brandCode, string? source, string? after, int? limit)
    {
        Counters.Pull();
        if (source is not ("HS" or "IYS"))
        {
            await Error(400, null, "source must be HS or IYS.").ExecuteAsync(context);
            return;
        }

        int size = limit ?? 100;
        if (size is < 1 or > SimulatorSettings.MaxPullLimit)
        {
            await Error(400, null, $"limit must be between 1 and {SimulatorSettings.MaxPullLimit}.").ExecuteAsync(context);
            return;
        }

        (DateTimeOffset, long)? position = null;
        if (!string.IsNullOrEmpty(after))
        {
            if (!_cursors.TryDecode(after, brandCode, source, out var decoded))
            {
                await Error(400, null, "after is not a cursor of this brand and source.").ExecuteAsync(context);
                return;
            }

            if (decoded.IssuedAt < _clock.GetUtcNow() - IysRegistry.Retention)
            {
                await Error(400, null, "after has expired: changes are kept for 7 days.").ExecuteAsync(context);
                return;
            }

            position = (decoded.CreatedAt, decoded.Sequence);
        }

        var page = Registry.Pull(brandCode, source, position, size);
        var now = _clock.GetUtcNow();
        string? next = page.Count > 0 ? _cursors.Encode(brandCode, source, page[^1].CreatedAt, page[^1].Sequence, now)
            : position is { } p ? _cursors.Encode(brandCode, source, p.Item1, p.Item2, now)
            : null;
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }); // İYS writes + and non-ASCII as they are
        json.WriteStartObject();
        json.WriteString("after", next);
        json.WriteStartArray("list");
        foreach (var change in page)
        {
            change.WritePullItem(json);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private IResult ChangeFile(uint brandCode, string date)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return Error(400, null, "date must be YYYY-MM-DD.");
        }

        var today = DateOnly.FromDateTime(_clock.GetUtcNow().ToOffset(TimeSpan.FromHours(3)).DateTime);
        if (day >= today || day < today.AddDays(-7))
        {
            return Error(400, null, "The change file is given for the last 7 days, up to yesterday.");
        }

        var csv = new StringBuilder(SimulatedChange.CsvHeader).Append('\n');
        foreach (var change in Registry.Day(brandCode, day))
        {
            csv.Append(change.CsvRow()).Append('\n');
        }

        return Results.Text(csv.ToString(), "text/csv", Encoding.UTF8);
    }

    private static async Task<ConsentWrite[]?> ReadWrites(HttpContext context, bool many)
    {
        try
        {
            return many
                ? await context.Request.ReadFromJsonAsync<ConsentWrite[]>(Json)
                : [(await context.Request.ReadFromJsonAsync<ConsentWrite>(Json))!];
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<IResult> WriteOne(HttpContext context, uint brandCode)
    {
        var writes = await ReadWrites(context, many: false);
        if (writes is null or [null])
        {
            return Error(400, null, "The body is not a consent.");
        }

        var outcome = Registry.Write(brandCode, writes[0]);
        return outcome.Succeeded
            ? Results.Json(new { transactionId = outcome.TransactionId, creationDate = SimulatedChange.IysTime(_clock.GetUtcNow()) })
            : Error(400, outcome.ErrorCode, outcome.ErrorMessage!);
    }

    private async Task<IResult> WriteMany(HttpContext context, uint brandCode)
    {
        var writes = await ReadWrites(context, many: true);
        if (writes is null || writes.Length is 0 or > SimulatorSettings.MaxBulkSize)
        {
            return Error(400, null, $"The body must be a JSON array of 1 to {SimulatorSettings.MaxBulkSize} consents.");
        }

        var outcomes = writes.Select(write => Registry.Write(brandCode, write)).ToArray();
        string requestId = Guid.NewGuid().ToString();
        _bulk[requestId] = (_clock.GetUtcNow() + _settings.BulkProcessingTime, outcomes);
        return Results.Json(new { requestId }, statusCode: 202);
    }

    private IResult RequestResult(string requestId)
    {
        if (!_bulk.TryGetValue(requestId, out var request))
        {
            return Error(404, null, "No such request.");
        }

        if (_clock.GetUtcNow() < request.ReadyAt)
        {
            return Results.Json(new { requestId, status = "PROCESSING", list = Array.Empty<object>() });
        }

        var list = request.Outcomes.Select((outcome, index) => outcome.Succeeded
            ? (object)new { index, status = "SUCCESS", transactionId = outcome.TransactionId }
            : new { index, status = "FAILURE", errors = new[] { new { code = outcome.ErrorCode, message = outcome.ErrorMessage } } });
        return Results.Json(new { requestId, status = "COMPLETED", list });
    }
}
