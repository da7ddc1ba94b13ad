using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SendGate.IysSimulator;

/// <summary>
/// The simulated İYS over real HTTP, rebuilt operation by operation from İYS's OpenAPI document (version "3.2.0 -
/// 25/02/2026"; docs/iys.md has the table of operations, what we do with each and the test that covers it). Shapes,
/// status codes and error codes are the document's; where it is silent the simulator says so in a comment and picks
/// one plausible answer. Start it with <see cref="StartAsync"/>; tests arm faults through <see cref="Faults"/>.
/// </summary>
public sealed partial class IysSimulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SimulatorSettings _settings;
    private readonly TimeProvider _clock;
    private readonly TokenIssuer _tokens;
    private readonly BulkRequests _bulk;
    private readonly PushDeliveries _push;
    private readonly Queue<DateTimeOffset> _recentRequests = new();

    private IysSimulatorServer(WebApplication app, SimulatorSettings settings, TimeProvider clock)
    {
        _app = app;
        _settings = settings;
        _clock = clock;
        Registry = new IysRegistry(clock);
        foreach (uint brand in settings.Brands.Concat(settings.Integrators.Values.SelectMany(brands => brands.Select(brand => brand.BrandCode))))
        {
            Registry.AddBrand(brand);
        }

        _tokens = new TokenIssuer(settings, clock, Counters);
        _bulk = new BulkRequests(Registry, settings, clock);
        _push = new PushDeliveries(settings, clock, IysCodeOf);
        Registry.Recorded += _push.OnRecorded;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public IysRegistry Registry { get; }

    public SimulatorFaults Faults { get; } = new();

    public SimulatorCounters Counters { get; } = new();

    /// <summary>Changes İYS pushed to a receiver (2xx), and those it gave up on after its attempts.</summary>
    public (long Delivered, long Undelivered) Pushes => (_push.Delivered, _push.Undelivered);

    /// <summary>İYS's test item, posted to every new push connection (the document's text, the same for everyone).</summary>
    public static string PushTestItem => PushDeliveries.TestItem().ToJsonString();

    /// <summary>The push connections İYS holds for a brand.</summary>
    public IReadOnlyList<PushConnectionRecord> PushConnections(uint brand) => _push.Of(brand);

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

        if (!PullCursor.TryDecode(cursor, out long seconds, out string transaction))
        {
            throw new ArgumentException("not a PULL cursor", nameof(cursor));
        }

        var (createdAt, sequence) = Registry.Position(brand, seconds, transaction);
        return Registry.UpTo(brand, source, createdAt, sequence).Select(change => change.TransactionId).ToList();
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
        _push.Dispose();
    }

    private void Map()
    {
        _app.MapPost("/oauth2/token", Token);
        var brand = _app.MapGroup("/sps/{iysCode}/brands/{brandCode}").AddEndpointFilter(Guard).AddEndpointFilter(BrandGuard);
        MapConsents(brand);
        MapReconciliation(brand);
        MapPush(brand);
        MapIntegrators(_app.MapGroup("/integrator/{integratorCode}").AddEndpointFilter(Guard));
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
            tokenRequests = Counters.TokenRequests,
            pullRequests = Counters.PullRequests,
            rateLimited = Counters.RateLimited,
            serverErrors = Counters.ServerErrors,
            pushed = _push.Delivered,
        }));
    }

    private sealed record FaultRequest(int RateLimited, int ServerErrors, int Slow, int SlowMilliseconds);

    /// <summary>The provider a brand belongs to: the account's, or the one an integrator's listing names.</summary>
    private uint IysCodeOf(uint brand) =>
        _settings.Integrators.Values.SelectMany(brands => brands).FirstOrDefault(b => b.BrandCode == brand)?.IysCode ?? _settings.IysCode;

    // Before every API call, in İYS's order as a client sees it: slowness, outages, the per-second limit, authentication,
    // then a body not in the document's shape when a test armed one for this operation.
    private async ValueTask<object?> Guard(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        _bulk.ProcessDue();
        var delay = Faults.TakeDelay();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, context.RequestAborted);
        }

        if (Faults.TakeServerError())
        {
            Counters.Failed();
            return IysErrors.TimedOut();
        }

        if (Faults.TakeRateLimited() || OverRate())
        {
            Counters.Limited();
            return IysErrors.RateLimited();
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
            return IysErrors.MissingToken();
        }

        string? operation = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        if (operation is not null && Faults.TakeGarbage(operation) is { } garbage)
        {
            Counters.Garble();
            return Results.Text(garbage.Body, garbage.ContentType, statusCode: 200);
        }

        return await next(invocation);
    }

    // The account's iysCode and brands: İYS's document answers 403 H353 for either not matching the account.
    private async ValueTask<object?> BrandGuard(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var values = invocation.HttpContext.Request.RouteValues;
        if (!uint.TryParse(values["iysCode"] as string, CultureInfo.InvariantCulture, out uint iysCode))
        {
            return IysErrors.Errors(422, new IysFault("H190", "iysCode integer bir değer olmalıdır.", ["iysCode"], values["iysCode"] as string));
        }

        if (!uint.TryParse(values["brandCode"] as string, CultureInfo.InvariantCulture, out uint brand))
        {
            return IysErrors.Errors(422, new IysFault("H191", "brandCode integer bir değer olmalıdır.", ["brandCode"], values["brandCode"] as string));
        }

        if (!Registry.HasBrand(brand) || IysCodeOf(brand) != iysCode)
        {
            return IysErrors.NotMatched(IysCodeOf(brand) != iysCode ? "iysCode" : "brandCode");
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

    /// <summary>İYS's day of a time: the calendar day in GMT+3.</summary>
    private static DateOnly IysDay(DateTimeOffset time) => DateOnly.FromDateTime(time.ToOffset(TimeSpan.FromHours(3)).DateTime);
}
