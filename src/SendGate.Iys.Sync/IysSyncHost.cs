using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using SendGate.Core.Hashing;
using SendGate.Iys.Sync.Api;
using SendGate.Iys.Sync.Push;
using SendGate.Iys.Sync.Receive;
using SendGate.Kafka;

namespace SendGate.Iys.Sync;

/// <summary>
/// The connector as a service (<c>sendgate iys sync</c> without <c>--once</c>): the PULL loop, the push of the sender's
/// refusals (with OptOut:SealingKey) and the receiver of İYS's push (with Iys:Receive:Listen) — each on its own, so
/// that one failing does not stop another — plus an admin endpoint on Iys:AdminUrl — <c>/metrics</c> (Prometheus),
/// <c>/healthz</c> (alive), <c>/readyz</c> (200 once a round caught every brand and source up, with the last round per
/// stream) — structured logs, and a graceful stop on SIGTERM.
/// </summary>
public static class IysSyncHost
{
    /// <summary>
    /// Sentences for every setting missing or wrong (Iys, Hashing:Key, Feed:Kafka); empty when the connector can run.
    /// <paramref name="brands"/>, when given, replace Iys:Brands. With <paramref name="forPush"/> neither brands nor the
    /// hashing key are needed (a push uploads what gates recorded, by their keys).
    /// </summary>
    public static IReadOnlyList<string> Validate(IConfiguration configuration, uint[]? brands, out IysSyncOptions options, out KafkaFeedOptions kafka, out HashingKey? key, bool forPush = false)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options = new IysSyncOptions();
        configuration.GetSection(IysSyncOptions.SectionName).Bind(options);
        options.Brands = brands ?? options.Brands;
        kafka = new KafkaFeedOptions();
        configuration.GetSection(KafkaFeedOptions.SectionName).Bind(kafka);
        kafka.BootstrapServers ??= "127.0.0.1:9092";
        var problems = options.Problems(needsBrands: !forPush).ToList();
        if (!HashingKey.TryParseBase64(configuration["Hashing:Key"], out key, out string keyError) && !forPush)
        {
            problems.Add($"Hashing:Key: {keyError}. Give the gate's key (Hashing__Key=<base64>): events must be keyed exactly as the gate keys recipients.");
        }

        return problems;
    }

    /// <summary>Writes each problem as a line on <paramref name="error"/>; true when there was any (the caller then exits 2).</summary>
    public static async Task<bool> ReportAsync(IReadOnlyList<string> problems, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(error);
        foreach (string problem in problems)
        {
            await error.WriteLineAsync(problem);
        }

        return problems.Count > 0;
    }

    /// <summary>OptOut from configuration and its seal; null seal and a sentence when the key is absent or wrong (then nothing is pushed).</summary>
    public static OptOutOptions OptOut(IConfiguration configuration, out AddressSeal? seal, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new OptOutOptions();
        configuration.GetSection(OptOutOptions.SectionName).Bind(options);
        problem = AddressSeal.TryParseBase64(options.SealingKey, out seal, out string error) ? null
            : options.SealingKey is null ? "OptOut:SealingKey is required to push refusals (the gates' sealing key, 32 bytes base64)."
            : "OptOut:SealingKey: " + error + ".";
        return options;
    }

    public static async Task<int> RunAsync(IConfiguration configuration, uint[]? brands, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        var problems = Validate(configuration, brands, out var options, out var kafka, out var key).ToList();
        var optOut = OptOut(configuration, out var seal, out string? sealProblem);
        if (sealProblem is not null && optOut.SealingKey is not null)
        {
            problems.Add(sealProblem);
        }

        if (!Uri.TryCreate(options.AdminUrl, UriKind.Absolute, out var admin))
        {
            problems.Add($"Iys:AdminUrl '{options.AdminUrl}' is not a URL (e.g. http://127.0.0.1:9465).");
        }

        if (await ReportAsync(problems, error))
        {
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseKestrelHttpsConfiguration(); // the receiver's https:// listener takes Kestrel's certificate settings
        var receive = options.Receive.Enabled ? new Uri(options.Receive.Listen!) : null;
        builder.WebHost.UseUrls(receive is null ? [options.AdminUrl] : [options.AdminUrl, options.Receive.Listen!]);
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SyncHealth>();
        builder.Services.AddSingleton<IysSyncMetrics>();
        builder.Services.AddSingleton(services => new IysApi(new HttpClient(), options, TimeProvider.System, Logger(services, "SendGate.Iys.Api"), services.GetRequiredService<IysSyncMetrics>()));
        builder.Services.AddSingleton(services => new BrandDirectory(options, services.GetRequiredService<IysApi>(), TimeProvider.System, Logger(services, "SendGate.Iys.Brands")));
        builder.Services.AddSingleton(services => new IysSync(options, kafka, key!, services.GetRequiredService<IysApi>(), TimeProvider.System,
            Logger(services, "SendGate.Iys.Sync"), services.GetRequiredService<IysSyncMetrics>(), services.GetRequiredService<BrandDirectory>()));
        builder.Services.AddHostedService<PullLoop>();
        if (seal is not null)
        {
            builder.Services.AddSingleton(services => new OptOutPush(options, kafka, optOut, seal, services.GetRequiredService<IysApi>(), TimeProvider.System,
                Logger(services, "SendGate.Iys.Push"), services.GetRequiredService<IysSyncMetrics>()));
            builder.Services.AddHostedService<PushLoop>();
        }

        if (receive is not null)
        {
            builder.Services.AddSingleton(services => new ChangeReceiver(options, kafka, key!, services.GetRequiredService<BrandDirectory>(), TimeProvider.System,
                Logger(services, "SendGate.Iys.Receive"), services.GetRequiredService<IysSyncMetrics>()));
        }

        builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("sendgate-iys-sync")).WithMetrics(metrics => metrics
            .AddMeter(IysSyncMetrics.MeterName)
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));

        await using var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics").OnPort(admin!.Port);
        app.MapGet("/healthz", () => Results.Text("alive\n")).OnPort(admin.Port);
        app.MapGet("/readyz", (SyncHealth health) => Results.Json(
            new { ready = health.IsReady, failure = health.Failure, streams = health.Last?.Streams },
            statusCode: health.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable)).OnPort(admin.Port);
        if (receive is not null)
        {
            ReceiverEndpoint.Map(app, options.Receive, receive.Port);
            IysSyncLog.Receiving(app.Logger, options.Receive.Listen!, options.Receive.Path, options.Receive.Username!);
        }

        string brandList = options.IntegratorCode == 0 ? string.Join(',', options.Brands) : $"those integrator {options.IntegratorCode} may read";
        string sources = string.Join(',', options.EffectiveSources), cursors = Path.GetFullPath(options.CursorPath);
        IysSyncLog.Starting(app.Logger, options.IysCode, brandList, sources, kafka.Topic, kafka.BootstrapServers, cursors, options.PollInterval);
        await app.StartAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    private static ILogger Logger(IServiceProvider services, string name) => services.GetRequiredService<ILoggerFactory>().CreateLogger(name);
}
