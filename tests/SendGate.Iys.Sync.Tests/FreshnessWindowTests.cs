using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SendGate.Core.Hashing;
using SendGate.Iys.Sync.Api;
using SendGate.IysSimulator;
using SendGate.Tests.Support;

namespace SendGate.Iys.Sync.Tests;

/// <summary>
/// PULL's honest limits, on one clock shared by İYS and the connector: the last hour is withheld (and arrives once it
/// is older), 7 days are kept, a cursor left 6 days is warned about, and one left past 7 days is said to have lost
/// what PULL no longer holds — then the connector takes what İYS still keeps instead of stopping.
/// </summary>
[Collection(SharedBroker.Name)]
public sealed class FreshnessWindowTests(KafkaBroker broker)
{
    [Fact]
    public async Task Pull_WithholdsTheLastHour_KeepsSevenDays_AndAnOldCursorIsSaidAloud()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var rig = await SyncRig.StartAsync(broker, "iys-window", clock: clock);
        var now = clock.GetUtcNow();
        Seed(rig, "visible", now - TimeSpan.FromHours(2));
        Seed(rig, "recent", now - TimeSpan.FromMinutes(10));
        Seed(rig, "expired", now - TimeSpan.FromDays(8));
        var logger = new FakeLogger();
        using var sync = Sync(rig, clock, logger);

        var first = await sync.RunRoundAsync(CancellationToken.None);
        Assert.True(first.AllCaughtUp);
        Assert.Equal(["visible"], Transactions(rig));

        clock.Advance(TimeSpan.FromHours(1));
        await sync.RunRoundAsync(CancellationToken.None);
        Assert.Equal(["recent", "visible"], Transactions(rig)); // the same cursor goes on: nothing skipped, nothing repeated

        clock.Advance(TimeSpan.FromDays(6.5));
        Seed(rig, "after-six-days", clock.GetUtcNow() - TimeSpan.FromHours(2));
        await sync.RunRoundAsync(CancellationToken.None);
        Assert.Contains(logger.Collector.GetSnapshot(), record => record.Id.Id == 7009 && record.Message.Contains("Brand 123457 source HS: last caught up 6.5 days ago", StringComparison.Ordinal));
        Assert.Equal(["after-six-days", "recent", "visible"], Transactions(rig));

        clock.Advance(TimeSpan.FromDays(8));
        Seed(rig, "after-the-gap", clock.GetUtcNow() - TimeSpan.FromHours(2));
        var late = await sync.RunRoundAsync(CancellationToken.None);
        Assert.True(late.AllCaughtUp);
        Assert.Contains(logger.Collector.GetSnapshot(), record => record.Id.Id == 7010 && record.Message.Contains("cannot be recovered through PULL", StringComparison.Ordinal));
        Assert.Equal(["after-six-days", "after-the-gap", "recent", "visible"], Transactions(rig));
    }

    private static void Seed(SyncRig rig, string transaction, DateTimeOffset at) =>
        rig.Iys.Registry.Seed(123457, new ConsentWrite("MESAJ", "+905321119" + (transaction.Length % 10) + "00", "BIREYSEL", "ONAY", SimulatedChange.IysTime(at), "HS_WEB"), at, transactionId: transaction);

    private static List<string> Transactions(SyncRig rig) => [.. rig.Published().Select(e => e.ConsentChanged.TransactionId).Order(StringComparer.Ordinal)];

    private IysSync Sync(SyncRig rig, TimeProvider clock, FakeLogger logger)
    {
        var options = new IysSyncOptions
        {
            BaseUrl = rig.Iys.BaseUrl, Username = "sendgate", Password = "sendgate-password", IysCode = 123456, Brands = [123457], Sources = ["HS"],
            CursorPath = rig.CursorPath, MaxRetries = 0,
        };
        var kafka = broker.Options(rig.Topic, rig.DeadLetterTopic);
        var metrics = new IysSyncMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>(), clock);
        return new IysSync(options, kafka, HashingKey.ParseBase64(GateHost.KeyBase64), new IysApi(new HttpClient(), options, clock, logger, metrics), clock, logger, metrics);
    }
}
