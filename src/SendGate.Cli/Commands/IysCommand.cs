using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SendGate.Iys.Sync;

namespace SendGate.Cli.Commands;

/// <summary>
/// <c>sendgate iys sync</c>: the İYS connector. With <c>--once</c>, every configured brand and source is pulled
/// until caught up, a summary printed, and the exit code says whether all caught up; without it, the connector runs
/// as a service (metrics and health on Iys:AdminUrl) until stopped.
/// </summary>
internal static class IysCommand
{
    public static Command Create()
    {
        var once = new Option<bool>("--once") { Description = "Pull every brand and source until caught up, print a summary and exit (0: all caught up)" };
        var config = new Option<FileInfo?>("--config") { Description = "JSON configuration with Iys, Hashing:Key and Feed:Kafka (the environment's Iys__*, Hashing__Key, Feed__Kafka__* also apply)" };
        var brands = new Option<uint[]>("--brand", "-b") { Description = "Brand code to pull (repeatable; replaces Iys:Brands)", AllowMultipleArgumentsPerToken = false };
        var bootstrap = new Option<string>("--bootstrap") { Description = "Kafka bootstrap servers (default: Feed:Kafka:BootstrapServers, else 127.0.0.1:9092)" };
        var topic = new Option<string>("--topic") { Description = "Consent topic (default: Feed:Kafka:Topic, else sendgate.consents)" };
        var properties = new Option<string[]>("--property", "-X") { Description = "librdkafka property NAME=VALUE (repeatable)", AllowMultipleArgumentsPerToken = false };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "With --once: log every page and token renewal (default: warnings and errors)" };
        var sync = new Command("sync", "Pull consent changes from İYS (PULL, per brand and source) into the Kafka consent topic, keyed and hashed as the gate expects; the cursor moves only after Kafka acknowledged")
        {
            once, config, brands, bootstrap, topic, properties, verbose,
        };
        sync.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var overrides = new List<KeyValuePair<string, string?>>();
            var brandCodes = parse.GetValue(brands) is { Length: > 0 } given ? given : null;
            if (parse.GetValue(bootstrap) is { } servers)
            {
                overrides.Add(new("Feed:Kafka:BootstrapServers", servers));
            }

            if (parse.GetValue(topic) is { } name)
            {
                overrides.Add(new("Feed:Kafka:Topic", name));
            }

            foreach (string property in parse.GetValue(properties) ?? [])
            {
                int equals = property.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    await error.WriteLineAsync($"-X {property}: give a librdkafka property as NAME=VALUE");
                    return 2;
                }

                overrides.Add(new("Feed:Kafka:Properties:" + property[..equals], property[(equals + 1)..]));
            }

            var configuration = ToolConfiguration.Build(parse.GetValue(config), overrides);
            return parse.GetValue(once)
                ? await OnceAsync(configuration, brandCodes, parse.GetValue(verbose), parse.InvocationConfiguration.Output, error, cancellationToken)
                : await IysSyncHost.RunAsync(configuration, brandCodes, error, cancellationToken);
        });
        return new Command("iys", "The İYS connector: consents pulled from İYS into the consent topic") { sync };
    }

    private static async Task<int> OnceAsync(Microsoft.Extensions.Configuration.IConfiguration configuration, uint[]? brands, bool verbose, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var problems = IysSyncHost.Validate(configuration, brands, out var options, out var kafka, out var key);
        if (problems.Count > 0)
        {
            foreach (string problem in problems)
            {
                await error.WriteLineAsync(problem);
            }

            return 2;
        }

        using var loggers = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        using var meters = new MeterFactory();
        using var http = new HttpClient();
        using var sync = new IysSync(options, kafka, key!, http, TimeProvider.System, loggers.CreateLogger("SendGate.Iys.Sync"), new IysSyncMetrics(meters, TimeProvider.System));
        var stopwatch = Stopwatch.StartNew();
        var summary = await sync.RunRoundAsync(cancellationToken);
        await output.WriteLineAsync("brand       source  pages  published  dead-lettered  state");
        foreach (var stream in summary.Streams)
        {
            string state = stream.CaughtUp ? "caught up" : stream.Stopped ? "stopped" : "failed";
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{stream.Brand,-11} {stream.Source,-7} {stream.Pages,5} {stream.Published,10:N0} {stream.DeadLettered,14:N0}  {state}"));
            if (stream.Error is not null)
            {
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"brand {stream.Brand} source {stream.Source}: {stream.Error}"));
            }
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{summary.Pages} pages, {summary.Published:N0} events published to {kafka.Topic} in {stopwatch.Elapsed.TotalSeconds:F1} s; cursors in {sync.CursorDirectory}"));
        return summary.AllCaughtUp ? 0 : 1;
    }

    /// <summary>The one-shot run's meters: nobody scrapes them, but the connector records into them as it does in the service.</summary>
    private sealed class MeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(meter => meter.Dispose());
    }
}
