using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SendGate.Iys.Sync;
using SendGate.Iys.Sync.Api;

namespace SendGate.Cli.Commands;

/// <summary>
/// <c>sendgate iys sync</c>: the İYS connector. With <c>--once</c>, every configured brand and source is pulled
/// until caught up, a summary printed, and the exit code says whether all caught up; without it, the connector runs
/// as a service (metrics and health on Iys:AdminUrl) until stopped.
/// </summary>
internal static class IysCommand
{
    private static readonly Option<FileInfo?> Config = new("--config") { Description = "JSON configuration with Iys, Hashing:Key and Feed:Kafka (the environment's Iys__*, Hashing__Key, Feed__Kafka__* also apply)" };
    private static readonly Option<uint[]> Brands = new("--brand", "-b") { Description = "Brand code (repeatable; replaces Iys:Brands)", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string> Bootstrap = new("--bootstrap") { Description = "Kafka bootstrap servers (default: Feed:Kafka:BootstrapServers, else 127.0.0.1:9092)" };
    private static readonly Option<string> Topic = new("--topic") { Description = "Consent topic (default: Feed:Kafka:Topic, else sendgate.consents)" };
    private static readonly Option<string[]> Properties = new("--property", "-X") { Description = "librdkafka property NAME=VALUE (repeatable)", AllowMultipleArgumentsPerToken = false };
    internal static readonly Option<bool> VerboseOption = new("--verbose", "-v") { Description = "Log every page and token renewal (default: warnings and errors)" };

    public static Command Create()
    {
        var once = new Option<bool>("--once") { Description = "Pull every brand and source until caught up, print a summary and exit (0: all caught up)" };
        var sync = new Command("sync", "Pull consent changes from İYS (PULL, per brand and source) into the Kafka consent topic, keyed and hashed as the gate expects; the cursor moves only after Kafka acknowledged")
        {
            once, Config, Brands, Bootstrap, Topic, Properties, VerboseOption,
        };
        sync.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (Configuration(parse, error) is not { } configuration)
            {
                return 2;
            }

            var brands = Brand(parse);
            try
            {
                return parse.GetValue(once)
                    ? await OnceAsync(configuration, brands, parse.GetValue(VerboseOption), parse.InvocationConfiguration.Output, error, cancellationToken)
                    : await IysSyncHost.RunAsync(configuration, brands, error, cancellationToken);
            }
            catch (Kafka.TopicSetupException missing)
            {
                await error.WriteLineAsync(missing.Message);
                return 2;
            }
        });
        return new Command("iys", "The İYS connector: consents pulled from İYS into the consent topic (and received from İYS's push); the sender's refusals pushed to İYS; daily reconciliation")
        {
            sync, IysPushCommand.Create(), IysReconcileCommand.Create(), IysReceiveCommand.Create(),
        };
    }

    /// <summary>The --brand codes, or null to keep Iys:Brands.</summary>
    internal static uint[]? Brand(ParseResult parse) => parse.GetValue(Brands) is { Length: > 0 } given ? given : null;

    /// <summary>The options every İYS verb shares, added to <paramref name="command"/>.</summary>
    internal static void AddShared(Command command)
    {
        command.Add(Config);
        command.Add(Brands);
        command.Add(Bootstrap);
        command.Add(Topic);
        command.Add(Properties);
        command.Add(VerboseOption);
    }

    /// <summary>--config, the environment, then --bootstrap, --topic and -X on top; null (said on <paramref name="error"/>) for a malformed -X.</summary>
    internal static Microsoft.Extensions.Configuration.IConfiguration? Configuration(ParseResult parse, TextWriter error)
    {
        var overrides = new List<KeyValuePair<string, string?>>();
        if (parse.GetValue(Bootstrap) is { } servers)
        {
            overrides.Add(new("Feed:Kafka:BootstrapServers", servers));
        }

        if (parse.GetValue(Topic) is { } name)
        {
            overrides.Add(new("Feed:Kafka:Topic", name));
        }

        foreach (string property in parse.GetValue(Properties) ?? [])
        {
            int equals = property.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error.WriteLine($"-X {property}: give a librdkafka property as NAME=VALUE");
                return null;
            }

            overrides.Add(new("Feed:Kafka:Properties:" + property[..equals], property[(equals + 1)..]));
        }

        return ToolConfiguration.Build(parse.GetValue(Config), overrides);
    }

    private static async Task<int> OnceAsync(Microsoft.Extensions.Configuration.IConfiguration configuration, uint[]? brands, bool verbose, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var problems = IysSyncHost.Validate(configuration, brands, out var options, out var kafka, out var key);
        if (await IysSyncHost.ReportAsync(problems, error))
        {
            return 2;
        }

        using var session = IysSession.Open(options, verbose);
        using var sync = new IysSync(options, kafka, key!, session.Api, TimeProvider.System, session.Logger("SendGate.Iys.Sync"), session.Metrics);
        var stopwatch = Stopwatch.StartNew();
        SyncSummary summary;
        try
        {
            summary = await sync.RunRoundAsync(cancellationToken);
        }
        catch (IysApiException listing)
        {
            await error.WriteLineAsync(listing.Message); // a partner's brands could not be listed
            return 1;
        }

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
}
