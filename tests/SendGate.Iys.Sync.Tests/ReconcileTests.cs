using System.Globalization;
using SendGate.IysSimulator;
using SendGate.Tests.Support;

namespace SendGate.Iys.Sync.Tests;

/// <summary><c>sendgate iys reconcile</c>: the simulator's daily change file against a real gate fed by the connector.</summary>
[Collection(SharedBroker.Name)]
public sealed class ReconcileTests(KafkaBroker broker)
{
    [Fact]
    public async Task Reconcile_NamesEveryDisagreementByKey_PublishesTheMissing_ThenAgrees()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-reconcile");
        var iysNow = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(3));
        var day = DateOnly.FromDateTime(iysNow.DateTime).AddDays(-1);
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
            (exit, output, error) = await SyncRig.CliAsync(reconcile);
            if (exit == 0 || attempt == 20)
            {
                break;
            }

            await Task.Delay(250); // the gate applies what was published within milliseconds; the loop only bounds the wait
        }

        Assert.True(exit == 0, output + error);
        Assert.Contains("the gate agrees with İYS", output, StringComparison.Ordinal);
    }
}
