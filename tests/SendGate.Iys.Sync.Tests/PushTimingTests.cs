using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SendGate.Core.Hashing;
using SendGate.Iys.Sync.Api;
using SendGate.Iys.Sync.Push;
using SendGate.IysSimulator;
using SendGate.Kafka;
using SendGate.Tests.Support;

namespace SendGate.Iys.Sync.Tests;

/// <summary>
/// The push of the sender's refusals at İYS's pace, on one clock shared by the simulated İYS and the connector: no
/// question about a bulk write before 300 s, items still <c>enqueue</c> asked about again later, never recorded as
/// refused; H174 (İYS already holds RET) recorded as accepted; and an answer of another shape (the one the connector
/// once expected) counted and left for the next round, with nothing recorded from it.
/// </summary>
[Collection(SharedBroker.Name)]
public sealed class PushTimingTests(KafkaBroker broker)
{
    [Fact]
    public async Task BulkWriteStatus_IsAskedAt300s_EnqueueWaits_H174IsAccepted_AndAnAnswerOfAnotherShapeIsRetriedNotRecorded()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // İYS as documented: answers from 300 s after the write; items written 100 s apart, so that some are still queued then.
        await using var rig = await SyncRig.StartAsync(broker, "iys-push-timing", new SimulatorSettings { BulkFirstAnswer = TimeSpan.FromSeconds(300), BulkItemTime = TimeSpan.FromSeconds(100) }, clock);
        var earlier = clock.GetUtcNow() - TimeSpan.FromHours(3);
        string[] phones = ["+905328000001", "+905328000002", "+905328000003", "+905328000004", "+905328000005"];
        foreach (string phone in phones[..4])
        {
            rig.Iys.Registry.Seed(123457, new ConsentWrite("MESAJ", phone, "BIREYSEL", "ONAY", SimulatedChange.IysTime(earlier), "HS_WEB"), earlier);
        }

        rig.Iys.Registry.Seed(123457, new ConsentWrite("MESAJ", phones[3], "BIREYSEL", "RET", SimulatedChange.IysTime(earlier), "IYS_WEB"), earlier + TimeSpan.FromMinutes(1)); // already refused in İYS
        Assert.True(AddressSeal.TryParseBase64(Convert.ToBase64String(RandomNumberGenerator.GetBytes(AddressSeal.KeySize)), out var seal, out _));
        await rig.ProduceRefusalsAsync(seal!, phones, clock.GetUtcNow() - TimeSpan.FromMinutes(5)); // phones[4]: İYS holds nothing (H175)
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var options = new IysSyncOptions
        {
            BaseUrl = rig.Iys.BaseUrl, Username = "sendgate", Password = "sendgate-password", IysCode = 123456, CursorPath = rig.CursorPath, MaxRetries = 0,
            PushFirstAsk = TimeSpan.FromSeconds(300), PushPollInterval = TimeSpan.FromSeconds(60), PushGroup = "push-" + rig.Topic,
        };
        var metrics = new IysSyncMetrics(meters, clock);
        using var unexpected = new MetricCollector<long>(meters, IysSyncMetrics.MeterName, "sendgate.iys.unexpected_answers");
        using var api = new IysApi(new HttpClient(), options, clock, NullLogger.Instance, metrics);
        using var push = new OptOutPush(options, broker.Options(rig.Topic, rig.DeadLetterTopic), new OptOutOptions { Topic = rig.OptOutTopic }, seal!, api, clock, NullLogger.Instance, metrics);

        var first = await push.RunRoundAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(200));
        var early = await push.RunRoundAsync(CancellationToken.None);

        Assert.Equal((5, 5, 0), (first.Uploaded, first.Pending, first.Accepted));
        Assert.Equal((0, 5), (early.Uploaded, early.Pending));
        Assert.Equal(0, rig.Iys.Counters.BulkStatusRequests); // not asked before 300 s

        clock.Advance(TimeSpan.FromSeconds(101)); // 301 s: items 0–2 written (at 100, 200, 300 s), 3–4 queued
        var partial = await push.RunRoundAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(30));
        var tooSoon = await push.RunRoundAsync(CancellationToken.None);

        Assert.Equal((3, 2), (partial.Accepted + partial.Refused, partial.Pending)); // which three depends on the opt-out topic's partitions
        Assert.Equal(1, rig.Iys.Counters.BulkStatusRequests); // asked once, not again within Iys:PushPollInterval
        Assert.Equal(2, tooSoon.Pending);

        clock.Advance(TimeSpan.FromSeconds(300));
        rig.Iys.Faults.GarbageNext("searchRequestDetails", 1, SimulatorFaults.Garbage.OldBulkStatus);
        var garbled = await push.RunRoundAsync(CancellationToken.None);

        Assert.Contains("expected a JSON array", garbled.Error, StringComparison.Ordinal);
        Assert.Equal((0, 0, 2), (garbled.Accepted, garbled.Refused, garbled.Pending)); // nothing taken from it
        Assert.Equal(1, unexpected.GetMeasurementSnapshot().EvaluateAsCounter());

        clock.Advance(TimeSpan.FromSeconds(60));
        var settled = await push.RunRoundAsync(CancellationToken.None);

        Assert.True(settled.Settled, settled.Error);
        Assert.Equal((4, 1), (partial.Accepted + settled.Accepted, partial.Refused + settled.Refused)); // H174 counts as accepted: İYS holds the refusal
        Assert.Equal("H175", Assert.Single(partial.RefusedEntries.Concat(settled.RefusedEntries)).Code);
        Assert.Equal(0, rig.Iys.Counters.BulkStatusTooEarly);
        var ledger = Directory.GetFiles(Path.Combine(rig.CursorPath, "optouts"), "*.json").Select(File.ReadAllText).ToList();
        Assert.Single(ledger, entry => entry.Contains("\"code\":\"H174\"", StringComparison.Ordinal) && entry.Contains("\"state\":\"Accepted\"", StringComparison.Ordinal));
        Assert.All(ledger, entry => Assert.DoesNotContain("90532800000", entry, StringComparison.Ordinal)); // keys and ids, never an address
        Assert.All(phones[..3], phone => Assert.Equal("RET", rig.Iys.Registry.Newest(123457, "MESAJ", "BIREYSEL", phone)!.Status));
    }
}
