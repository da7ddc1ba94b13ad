using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Iys.Sync;
using SendGate.Iys.Sync.Reconciliation;
using SendGate.Kafka;

namespace SendGate.Cli.Commands;

/// <summary>
/// <c>sendgate iys reconcile --date D</c>: İYS's daily change file of each brand against a gate's answers, reported
/// by channel, recipient type and status, every disagreement by key (never an address); exit 1 when they disagree;
/// <c>--publish</c> publishes İYS's changes for the tuples the gate missed; <c>--metrics-file</c> leaves the result
/// for Prometheus (node_exporter's textfile collector).
/// </summary>
internal static class IysReconcileCommand
{
    public static Command Create()
    {
        var date = new Option<DateOnly>("--date", "-d")
        {
            Description = "The İYS day (YYYY-MM-DD, GMT+3) to reconcile: one of the last 7 days, up to yesterday",
            Required = true,
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    result.AddError($"--date {text}: give the day as YYYY-MM-DD");
                }

                return day;
            },
        };
        var publish = new Option<bool>("--publish") { Description = "Publish İYS's change for every tuple the gate disagrees on (and holds nothing newer for) to the consent topic" };
        var metricsFile = new Option<FileInfo?>("--metrics-file") { Description = "Write the result as Prometheus text (node_exporter textfile collector), e.g. /var/lib/node_exporter/sendgate_iys_reconcile.prom" };
        var command = new Command("reconcile", "Mutabakat: compare İYS's daily change file of each brand with a gate's answers (by key, never by address)")
        {
            date, publish, metricsFile, GateConnection.Address, GateConnection.Timeout, GateConnection.ApiKey,
        };
        IysCommand.AddShared(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (IysCommand.Configuration(parse, error) is not { } configuration)
            {
                return 2;
            }

            var problems = IysSyncHost.Validate(configuration, IysCommand.Brand(parse), out var options, out var kafka, out var key);
            if (await IysSyncHost.ReportAsync(problems, error))
            {
                return 2;
            }

            using var loggers = IysCommand.Loggers(parse.GetValue(IysCommand.VerboseOption));
            var logger = loggers.CreateLogger("SendGate.Iys.Reconcile");
            using var meters = new IysCommand.OneShotMeters();
            using var http = new HttpClient();
            using var iys = new IysApi(http, options, TimeProvider.System, logger, new IysSyncMetrics(meters, TimeProvider.System));
            using var channel = GateConnection.OpenChannel(parse);
            var factory = new FeedEventFactory(new RecipientHasher(key!), TimeProvider.System);
            var reconciler = new Reconciler(iys, new Contracts.V1.Gate.GateClient(channel), factory, options.IysCode, TimeSpan.FromSeconds(parse.GetValue(GateConnection.Timeout)));
            var day = parse.GetValue(date);
            var reports = new List<ReconcileReport>();
            var missing = new List<ConsentChange>();
            bool failed = false;
            foreach (uint brand in options.Brands)
            {
                try
                {
                    var (report, brandMissing) = await reconciler.ReconcileAsync(brand, day, cancellationToken);
                    reports.Add(report);
                    missing.AddRange(brandMissing);
                    await Print(report, output);
                }
                catch (Exception exception) when (exception is IysApiException or FormatException or RpcException)
                {
                    failed = true;
                    await error.WriteLineAsync($"brand {brand}, {day:yyyy-MM-dd}: {(exception is RpcException rpc ? $"the gate answered {rpc.StatusCode}: {rpc.Status.Detail}" : exception.Message)}");
                }
            }

            if (parse.GetValue(publish) && missing.Count > 0)
            {
                try
                {
                    using var publisher = ConsentPublisher.Create(kafka, logger, key!.KeyId);
                    missing.ForEach(publisher.Publish);
                    publisher.Flush(cancellationToken);
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"published {publisher.Delivered} of {missing.Count} missing changes to {kafka.Topic} ({publisher.Failed} failed)"));
                    failed |= publisher.Failed > 0;
                }
                catch (TopicSetupException topic)
                {
                    failed = true;
                    await error.WriteLineAsync($"nothing published: {topic.Message}");
                }
            }

            if (parse.GetValue(metricsFile) is { } file)
            {
                await ReconcileMetricsFile.WriteAsync(file.FullName, reports, DateTimeOffset.UtcNow, cancellationToken);
            }

            return failed ? 2 : reports.All(report => report.Agrees) ? 0 : 1;
        });
        return command;
    }

    private static async Task Print(ReconcileReport report, TextWriter output)
    {
        string rejected = report.Rejected.Count == 0 ? string.Empty : $" ({report.Rejected.Values.Sum()} rows unusable: {string.Join("; ", report.Rejected.Select(r => $"{r.Key} ×{r.Value}"))})";
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"brand {report.Brand}, {report.Day:yyyy-MM-dd}: {report.Rows:N0} rows, {report.Tuples:N0} tuples — {(report.Agrees ? "the gate agrees with İYS" : $"{report.Disagreements.Count:N0} disagree")}{rejected}"));
        await output.WriteLineAsync("channel  type      status  tuples    agree  line-closed  superseded  disagree");
        foreach (var count in report.Counts)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{count.Channel.ToString().ToUpperInvariant(),-8} {count.RecipientType.ToString().ToUpperInvariant(),-9} {count.Status.ToString().ToUpperInvariant(),-6} {count.Tuples,7:N0} {count.Agree,8:N0} {count.LineClosed,12:N0} {count.Superseded,11:N0} {count.Disagree,9:N0}"));
        }

        foreach (var disagreement in report.Disagreements)
        {
            string held = disagreement.GateModifiedAt is { } at ? $"holds a change of {at.ToDateTimeOffset():yyyy-MM-dd HH:mm:ss}Z" : "holds no record";
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  disagree {disagreement.Key.BrandCode} {disagreement.Key.Channel.ToString().ToUpperInvariant()} {disagreement.Key.RecipientType.ToString().ToUpperInvariant()} key {disagreement.Key.Recipient}: İYS {disagreement.IysStatus.ToString().ToUpperInvariant()} at {disagreement.IysModifiedAt.ToDateTimeOffset():yyyy-MM-dd HH:mm:ss}Z, gate {disagreement.GateReason.Name()} and {held}"));
        }
    }
}
