using System.Diagnostics.Metrics;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using SendGate.Audit;
using SendGate.Durability;
using SendGate.Feed.Status;

namespace SendGate.Server.Observability;

/// <summary>Where metrics go besides the admin port's /metrics (configuration section <c>Telemetry</c>).</summary>
internal sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// An OTLP collector to push metrics to (e.g. <c>http://127.0.0.1:4317</c>); none by default.
    /// The standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable turns the exporter on as well.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>Grpc</c> (port 4317) or <c>HttpProtobuf</c> (port 4318, path /v1/metrics).</summary>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.Grpc;

    public TimeSpan OtlpInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Metrics through OpenTelemetry: the gate's meters, .NET's runtime meter (GC, thread pool, lock
/// contention: what a latency tail is made of), ASP.NET Core's (request duration per gRPC method,
/// tagged with the call's gRPC status by <see cref="GrpcStatusTagging"/>), exported in
/// Prometheus text on the admin port and, when configured, over OTLP.
/// </summary>
internal static class GateTelemetry
{
    /// <summary>The gate's own meters.</summary>
    public static readonly string[] Meters = [GateMetrics.MeterName, FeedMetrics.MeterName, DurabilityMetrics.MeterName, DecisionLog.MeterName, SendGate.Access.Redis.SharedBudgetMetrics.MeterName];

    /// <summary>Request durations from 10 µs (a small Check) to 10 s.</summary>
    public static readonly double[] SecondsBuckets = [0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Batch sizes, from one recipient to a whole list.</summary>
    public static readonly long[] CountBuckets = [1, 10, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000, 1_000_000];

    public static IServiceCollection AddGateTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        bool otlp = options.OtlpEndpoint is not null || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("sendgate-server", serviceVersion: typeof(GateTelemetry).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters)
                    .AddRuntimeInstrumentation()
                    .AddAspNetCoreInstrumentation()
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0); // a scrape is current: no 300 ms cache
                foreach (var (instrument, name) in PromtoolNames)
                {
                    metrics.AddView(instrument, new MetricStreamConfiguration { Name = name });
                }

                // OpenTelemetry picks meters by name, process-wide. A process hosting more than one
                // gate (the tests do) would merge their instruments into one stream, and one gate
                // stopping would end the stream for the others: only this host's meters (those of
                // its IMeterFactory) and the process-wide ones (the runtime's) are exported here.
                ((IDeferredMeterProviderBuilder)metrics).Configure((services, builder) =>
                {
                    var own = services.GetRequiredService<IMeterFactory>();
                    builder.AddView(instrument => instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, own) ? MetricStreamConfiguration.Drop : null);
                });

                if (otlp)
                {
                    metrics.AddOtlpExporter((exporter, reader) =>
                    {
                        if (options.OtlpEndpoint is { } endpoint)
                        {
                            exporter.Endpoint = endpoint;
                            exporter.Protocol = options.OtlpProtocol;
                        }

                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.OtlpInterval.TotalMilliseconds;
                    });
                }
            });
        return services;
    }

    /// <summary>
    /// Runtime gauges whose names end in <c>.count</c>: exposed as <c>*_count</c>,
    /// which Prometheus reads as a histogram's count (promtool rejects them). Renamed; the
    /// mapping is in docs/operations.md.
    /// </summary>
    private static readonly (string Instrument, string Name)[] PromtoolNames =
    [
        ("dotnet.timer.count", "dotnet.timers"),
        ("dotnet.assembly.count", "dotnet.assemblies"),
        ("dotnet.process.cpu.count", "dotnet.process.cpus"),
    ];
}
