using System.Net;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using SendGate.Client;
using SendGate.Contracts.V1;

namespace SendGate.Senders;

/// <summary>
/// The host every adapter runs in: configuration (a JSON file, then the environment), single-line structured logs,
/// the gate channel and <see cref="CheckBatcher"/>, and an admin listener with <c>/metrics</c> (Prometheus: the
/// adapter's meter and <see cref="SenderMetrics"/>), <c>/healthz</c> (alive) and <c>/readyz</c> (200 while the gate
/// answers its gRPC health check) — stopped gracefully on SIGTERM.
/// </summary>
public static class SenderHost
{
    /// <summary>A builder with the admin listener on <paramref name="admin"/>; the adapter adds its own listener and services.</summary>
    public static WebApplicationBuilder CreateBuilder(IConfiguration configuration, string adapter, GateSettings gate, IPEndPoint admin, string adapterMeter)
    {
        ArgumentNullException.ThrowIfNull(gate);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(admin, listen => listen.Protocols = HttpProtocols.Http1));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(gate);
        builder.Services.AddSingleton(_ => new SenderMetrics(adapter));
        builder.Services.AddSingleton(_ => GateChannel.Create(gate.ClientOptions()));
        builder.Services.AddSingleton(services => new Gate.GateClient(services.GetRequiredService<GrpcChannel>()));
        builder.Services.AddSingleton(services => new CheckBatcher(services.GetRequiredService<Gate.GateClient>(), gate, services.GetRequiredService<SenderMetrics>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger("SendGate.Senders.Batcher"), services.GetRequiredService<TimeProvider>(), adapter));
        builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("sendgate-" + adapter)).WithMetrics(metrics => metrics
            .AddMeter(SenderMetrics.MeterName, adapterMeter)
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        return builder;
    }

    /// <summary>
    /// An adapter's process: each of <paramref name="problems"/> said on <paramref name="error"/> and exit 2, or the
    /// service <paramref name="build"/> makes run until stopped (SIGTERM), exit 0.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> problems, Func<WebApplication> build, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(error);
        foreach (string problem in problems)
        {
            await error.WriteLineAsync(problem);
        }

        if (problems.Count > 0)
        {
            return 2;
        }

        await using var app = build();
        await app.StartAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    /// <summary>/metrics, /healthz and /readyz, on the admin port only.</summary>
    public static void MapAdmin(WebApplication app, IPEndPoint admin)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(admin);
        string host = "*:" + admin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        app.MapPrometheusScrapingEndpoint("/metrics").RequireHost(host);
        app.MapGet("/healthz", () => Results.Text("alive\n")).RequireHost(host);
        app.MapGet("/readyz", async (GrpcChannel channel, CancellationToken cancellationToken) =>
        {
            string state;
            try
            {
                var answer = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "sendgate.v1.Gate" },
                    deadline: DateTime.UtcNow.AddSeconds(1), cancellationToken: cancellationToken);
                state = answer.Status.ToString();
            }
            catch (Grpc.Core.RpcException error)
            {
                state = error.StatusCode.ToString();
            }

            bool ready = state == nameof(HealthCheckResponse.Types.ServingStatus.Serving);
            return Results.Json(new { ready, gate = state }, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).RequireHost(host);
    }

    /// <summary>A validated listen address as an endpoint (see <see cref="TryParseEndpoint"/>).</summary>
    public static IPEndPoint Endpoint(string text) =>
        TryParseEndpoint(text, out var endpoint, out string problem) ? endpoint : throw new InvalidOperationException(problem);

    /// <summary>HOST:PORT (or http://HOST:PORT) as an endpoint; <paramref name="problem"/> says what is wrong otherwise.</summary>
    public static bool TryParseEndpoint(string? text, out IPEndPoint endpoint, out string problem)
    {
        string value = text ?? string.Empty;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" && !string.IsNullOrEmpty(uri.Host))
        {
            value = uri.Authority;
        }

        if (value.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            value = "127.0.0.1" + value["localhost".Length..];
        }

        if (IPEndPoint.TryParse(value, out var parsed) && parsed.Port != 0 && value.Contains(':', StringComparison.Ordinal))
        {
            endpoint = parsed;
            problem = string.Empty;
            return true;
        }

        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        problem = $"'{text}' is not an address to listen on: expected IP:PORT, e.g. 127.0.0.1:10040";
        return false;
    }
}
