using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Iys.Sync;
using SendGate.Iys.Sync.Api;
using SendGate.Iys.Sync.Reconciliation;
using SendGate.Kafka;

namespace SendGate.Cli.Commands;

/// <summary>
/// <c>sendgate iys reconcile --date D</c>, per brand: İYS's daily change file, its SHA-384 against İYS's own
/// (agreementsDate: a corrupted or truncated download is caught before anything is compared), its rows against a
/// gate's answers (by channel, recipient type and status, every disagreement by key, never an address), and the
/// changes the connector received against İYS's daily summary (changeSummary). Exit 0 when all agree, 1 when the gate
/// or the counts disagree, 2 when a brand could not be reconciled. <c>--publish</c> publishes İYS's changes for the
/// tuples the gate missed; <c>--record</c> tells İYS the day agrees (agreementDatePut) when everything does;
/// <c>--metrics-file</c> leaves the result for Prometheus (node_exporter's textfile collector).
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
        var record = new Option<bool>("--record")
        {
            Description = "Tell İYS the day agrees (PUT agreements) when the file's SHA-384 is İYS's, the connector's counts equal İYS's summary and the gate agrees with the file",
        };
        var metricsFile = new Option<FileInfo?>("--metrics-file") { Description = "Write the result as Prometheus text (node_exporter textfile collector), e.g. /var/lib/node_exporter/sendgate_iys_reconcile.prom" };
        var command = new Command("reconcile", "Mutabakat: İYS's daily change file of each brand against İYS's hash of it and a gate's answers (by key, never by address), the connector's counts against İYS's summary; --record tells İYS they agree")
        {
            date, publish, record, metricsFile, GateConnection.Address, GateConnection.Timeout, GateConnection.ApiKey,
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

            using var session = IysSession.Open(options, parse.GetValue(IysCommand.VerboseOption));
            var logger = session.Logger("SendGate.Iys.Reconcile");
            using var channel = GateConnection.OpenChannel(parse);
            var factory = new FeedEventFactory(new RecipientHasher(key!), TimeProvider.System);
            var reconciler = new Reconciler(new Contracts.V1.Gate.GateClient(channel), factory, TimeSpan.FromSeconds(parse.GetValue(GateConnection.Timeout)));
            var official = new OfficialCheck(session.Api, options);
            var day = parse.GetValue(date);
            var reports = new List<ReconcileReport>();
            var officials = new List<OfficialReport>();
            var missing = new List<ConsentChange>();
            bool failed = false, disagree = false;
            IReadOnlyList<IysBrand> brands;
            try
            {
                brands = await new BrandDirectory(options, session.Api, TimeProvider.System, logger).CurrentAsync(cancellationToken);
            }
            catch (IysApiException listing)
            {
                await error.WriteLineAsync(listing.Message);
                return 2;
            }

            foreach (var brand in brands)
            {
                try
                {
                    // One download serves both checks: its hash against İYS's, its rows against the gate.
                    byte[]? file = await session.Api.GetChangeFileAsync(brand, day, cancellationToken);
                    var hash = await official.HashAsync(brand, day, file, cancellationToken);
                    var counts = await official.CountsAsync(brand, day, cancellationToken);
                    ReconcileReport? report = null;
                    if (hash.Verdict == HashVerdict.Mismatch)
                    {
                        failed = true; // a corrupted or truncated download: nothing in it is compared
                    }
                    else if (file is not null)
                    {
                        (report, var brandMissing) = await reconciler.ReconcileAsync(brand, day, file, cancellationToken);
                        reports.Add(report);
                        missing.AddRange(brandMissing);
                        await Print(report, output);
                    }

                    var result = new OfficialReport(brand, day, hash, counts, null, null);
                    if (parse.GetValue(record))
                    {
                        result = await official.RecordIfAgreedAsync(result, report is { Agrees: true }, cancellationToken);
                    }

                    officials.Add(result);
                    await Print(result, file, output);
                    disagree |= report is { Agrees: false } || (counts.Problem is null && counts.Complete && !counts.Agrees);
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
                    missing.ForEach(change => publisher.Publish(change));
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

            if (parse.GetValue(metricsFile) is { } metrics)
            {
                await ReconcileMetricsFile.WriteAsync(metrics.FullName, reports, officials, DateTimeOffset.UtcNow, cancellationToken);
            }

            return failed ? 2 : disagree ? 1 : 0;
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

    private static async Task Print(OfficialReport report, byte[]? file, TextWriter output)
    {
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"brand {report.Brand}, {report.Day:yyyy-MM-dd}, İYS's reconciliation: file {(file is null ? "none" : $"{file.Length:N0} bytes")}; {Describe(report.Hash)}"));
        await output.WriteLineAsync(report.Counts.Problem is { } problem ? "  counts: not compared: " + problem
            : !report.Counts.Complete ? "  counts: incomplete: the connector's PULL had not passed the day's end (plus PULL's withheld hour) when it last caught up"
            : report.Counts.Agrees ? "  counts: the connector received what İYS counts" : "  counts: the connector's differ from İYS's");
        await output.WriteLineAsync("  type    recipient  source  approvals (connector/İYS)  rejections (connector/İYS)  pending  total");
        foreach (var line in report.Counts.Lines)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {line.Type,-7} {line.RecipientType,-10} {line.Source,-7} {$"{line.Approvals:N0} / {line.IysApprovals:N0}",25} {$"{line.Rejections:N0} / {line.IysRejections:N0}",27} {line.IysPending,8:N0} {line.IysTotal,6:N0}{(line.Agrees ? string.Empty : "  differ")}"));
        }

        if (report.AgreementNote is not null)
        {
            await output.WriteLineAsync("  agreement: " + report.AgreementNote);
        }
    }

    private static string Describe(HashCheck hash) => hash.Verdict switch
    {
        HashVerdict.Match => $"{hash.Method} matches İYS's hashValue",
        HashVerdict.Mismatch => $"{hash.Method} {hash.Ours} differs from İYS's {hash.Iys}: the download is corrupted or truncated — nothing in it was compared; run again",
        HashVerdict.NotReady => $"İYS's hash is not ready (processStatus {hash.ProcessStatus ?? "?"})",
        HashVerdict.UnknownMethod => $"İYS names a hash method we do not know ({hash.Method})",
        _ => "İYS has no hash of that day",
    };
}
