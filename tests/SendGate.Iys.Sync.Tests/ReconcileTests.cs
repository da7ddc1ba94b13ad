using System.Globalization;
using SendGate.IysSimulator;
using SendGate.Tests.Support;

namespace SendGate.Iys.Sync.Tests;

/// <summary>
/// <c>sendgate iys reconcile</c>: the simulator's daily change file against a real gate fed by the connector, the
/// file's hash against İYS's, the connector's counts against İYS's daily summary, and the agreement recorded.
/// </summary>
[Collection(SharedBroker.Name)]
public sealed class ReconcileTests(KafkaBroker broker)
{
    [Fact]
    public async Task Reconcile_NamesEveryDisagreementByKey_PublishesTheMissing_ThenTheGateAgrees_ButTheCountsStillShowWhatTheConnectorMissed()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-reconcile");
        var (day, _) = TwoDaysAgo();
        DateTimeOffset At(int hour, int minute = 0) => new(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(3));
        void Seed(int number, string status, DateTimeOffset at, string type = "MESAJ") =>
            rig.Iys.Registry.Seed(123457, new ConsentWrite(type, "+90532" + (2_000_000 + number).ToString(CultureInfo.InvariantCulture), "BIREYSEL", status, SimulatedChange.IysTime(at), "HS_WEB"), at, transactionId: $"r{number}-{status}-{at:HHmm}");

        for (int n = 0; n < 40; n++)
        {
            Seed(n, "ONAY", At(8, n));
            if (n % 4 == 0)
            {
                Seed(n, "RET", At(9, n));
            }
        }

        Seed(100, "ONAY", At(10));
        string config = rig.Config();
        Assert.Equal(0, (await rig.SyncOnceAsync(config)).Exit);
        // A refusal the sender received itself, published at once (today): the gate holds a newer change than the day's.
        string refusal = Path.Combine(rig.Directory, "refusal.jsonl");
        await File.WriteAllTextAsync(refusal, $$"""{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"+905322000100","status":"RET","source":"HS_MESAJ","consentDate":"{{SimulatedChange.IysTime(DateTimeOffset.UtcNow)}}","creationDate":"{{SimulatedChange.IysTime(DateTimeOffset.UtcNow)}}"}""" + "\n");
        Assert.Equal(0, (await SyncRig.CliAsync("publish", "--from", refusal, "--topic", rig.Topic, "--bootstrap", broker.Bootstrap, "--config", config, "--quiet")).Exit);
        // Changes the gate never got: created behind the connector's cursor, as after an outage past PULL's reach.
        Seed(1, "RET", At(9, 30));
        Seed(2, "RET", At(9, 45));
        Seed(3, "RET", At(7, 45), type: "ARAMA");
        await using var gate = await GateHost.StartAsync("", broker.GateSettings(rig.Topic, rig.DeadLetterTopic));
        string metrics = Path.Combine(rig.Directory, "reconcile.prom");
        string[] reconcile = ["iys", "reconcile", "--date", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--config", config, "--address", gate.Address.ToString(), "--metrics-file", metrics];

        var (exit, output, error) = await SyncRig.CliAsync(reconcile);

        Assert.True(exit == 1, output + error);
        Assert.True(output.Contains("brand 123457, " + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ": 54 rows, 42 tuples — 3 disagree", StringComparison.Ordinal), output);
        Assert.Matches(@"MESAJ\s+BIREYSEL\s+ONAY\s+29\s+28\s+0\s+1\s+0", output); // #100: the gate holds a newer change
        Assert.Matches(@"MESAJ\s+BIREYSEL\s+RET\s+12\s+10\s+0\s+0\s+2", output);
        Assert.Matches(@"ARAMA\s+BIREYSEL\s+RET\s+1\s+0\s+0\s+0\s+1", output);
        Assert.Equal(3, output.Split('\n').Count(line => line.TrimStart().StartsWith("disagree 123457", StringComparison.Ordinal)));
        Assert.DoesNotContain("+90532", output, StringComparison.Ordinal);
        Assert.Contains("sendgate_iys_reconcile_disagreements{brand=\"123457\"} 3", await File.ReadAllTextAsync(metrics), StringComparison.Ordinal);

        (exit, output, error) = await SyncRig.CliAsync([.. reconcile, "--publish"]);
        Assert.True(exit == 1, output + error);
        Assert.Contains("published 3 of 3 missing changes", output, StringComparison.Ordinal);

        for (int attempt = 0; ; attempt++)
        {
            (exit, output, error) = await SyncRig.CliAsync([.. reconcile, "--record"]);
            if (output.Contains("the gate agrees with İYS", StringComparison.Ordinal) || attempt == 20)
            {
                break;
            }

            await Task.Delay(250); // the gate applies what was published within milliseconds; the loop only bounds the wait
        }

        // The gate now agrees with the file, but the connector never received three of the day's changes (they were
        // made behind its cursor): İYS's summary counts them, and the day is not agreed with İYS.
        Assert.True(exit == 1, output + error);
        Assert.Contains("the gate agrees with İYS", output, StringComparison.Ordinal);
        Assert.Contains("SHA-384 matches İYS's hashValue", output, StringComparison.Ordinal);
        Assert.Matches(@"MESAJ\s+BIREYSEL\s+HS\s+41 / 41\s+10 / 12\s+0\s+53\s+differ", output);
        Assert.Matches(@"ARAMA\s+BIREYSEL\s+HS\s+0 / 0\s+0 / 1\s+0\s+1\s+differ", output);
        Assert.Contains("agreement: not recorded: the connector's counts differ from İYS's", output, StringComparison.Ordinal);
        Assert.False(rig.Iys.Agreed(123457, day));
    }

    [Fact]
    public async Task Reconcile_WhenFileCountsAndGateAllAgree_RecordsTheAgreementWithİys()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-agree");
        var (day, start) = TwoDaysAgo();
        for (int n = 0; n < 30; n++)
        {
            var at = start + TimeSpan.FromMinutes(n);
            string phone = "+90532" + (3_000_000 + n).ToString(CultureInfo.InvariantCulture);
            rig.Iys.Registry.Seed(123457, new ConsentWrite(n % 3 == 0 ? "ARAMA" : "MESAJ", phone, n % 5 == 0 ? "TACIR" : "BIREYSEL", "ONAY", SimulatedChange.IysTime(at), "HS_WEB"), at);
            if (n % 4 == 0)
            {
                // a citizen's refusal through İYS: the IYS source group of the summary
                rig.Iys.Registry.Seed(123457, new ConsentWrite(n % 3 == 0 ? "ARAMA" : "MESAJ", phone, n % 5 == 0 ? "TACIR" : "BIREYSEL", "RET", SimulatedChange.IysTime(at), "IYS_WEB"), at + TimeSpan.FromHours(2));
            }
        }

        string config = rig.Config();
        Assert.Equal(0, (await rig.SyncOnceAsync(config)).Exit);
        await using var gate = await GateHost.StartAsync("", broker.GateSettings(rig.Topic, rig.DeadLetterTopic));
        string[] reconcile = ["iys", "reconcile", "--date", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--config", config, "--address", gate.Address.ToString()];

        var (exit, output, error) = await SyncRig.CliAsync(reconcile);
        for (int attempt = 0; attempt < 20 && !output.Contains("the gate agrees with İYS", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(250); // the gate catches up with the topic within moments; the loop only bounds the wait
            (exit, output, error) = await SyncRig.CliAsync(reconcile);
        }

        Assert.True(exit == 0, output + error);
        Assert.Contains("counts: the connector received what İYS counts", output, StringComparison.Ordinal);
        Assert.Matches(@"MESAJ\s+TACIR\s+IYS\s+0 / 0\s+\d+ / \d+", output);
        Assert.False(rig.Iys.Agreed(123457, day)); // not without --record

        (exit, output, error) = await SyncRig.CliAsync([.. reconcile, "--record"]);
        Assert.True(exit == 0, output + error);
        Assert.Contains("agreement: recorded (agreementCaptured: true)", output, StringComparison.Ordinal);
        Assert.True(rig.Iys.Agreed(123457, day));
    }

    [Fact]
    public async Task Reconcile_ACutShortDownload_IsCaughtByİysHash_AndNothingIsComparedOrRecorded()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-truncated");
        var (day, start) = TwoDaysAgo();
        for (int n = 0; n < 60; n++)
        {
            rig.Iys.Registry.Seed(123457, new ConsentWrite("MESAJ", "+90532" + (4_000_000 + n).ToString(CultureInfo.InvariantCulture), "BIREYSEL", "ONAY", SimulatedChange.IysTime(start), "HS_WEB"), start + TimeSpan.FromMinutes(n));
        }

        string config = rig.Config();
        Assert.Equal(0, (await rig.SyncOnceAsync(config)).Exit);
        await using var gate = await GateHost.StartAsync("", broker.GateSettings(rig.Topic, rig.DeadLetterTopic));
        rig.Iys.Faults.TruncateNextFile();

        var (exit, output, error) = await SyncRig.CliAsync("iys", "reconcile", "--date", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--config", config, "--address", gate.Address.ToString(), "--record");

        Assert.True(exit == 2, output + error);
        Assert.Contains("the download is corrupted or truncated", output, StringComparison.Ordinal);
        Assert.DoesNotContain("tuples —", output, StringComparison.Ordinal); // the gate was not asked about a file that is not İYS's
        Assert.Contains("agreement: not recorded: the file's hash is not confirmed", output, StringComparison.Ordinal);
        Assert.False(rig.Iys.Agreed(123457, day));
    }

    /// <summary>
    /// The İYS day (GMT+3) before yesterday and 09:00 of it: PULL has long passed its end (plus the hour it withholds),
    /// whatever the hour a test runs at, so the connector's counts of it are whole.
    /// </summary>
    private static (DateOnly Day, DateTimeOffset Start) TwoDaysAgo()
    {
        var day = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(3)).DateTime).AddDays(-2);
        return (day, new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(3)));
    }
}
