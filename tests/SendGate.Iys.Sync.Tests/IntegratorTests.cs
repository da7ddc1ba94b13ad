using SendGate.IysSimulator;
using SendGate.Tests.Support;

namespace SendGate.Iys.Sync.Tests;

/// <summary>
/// An integration partner's connector (Iys:IntegratorCode): the brands come from İYS's listing (integratorList, more
/// than one page, codes written as strings as İYS's example has them), each pulled under its own provider's iysCode;
/// a brand without a right to read is not pulled; Iys:Brands narrows the list.
/// </summary>
[Collection(SharedBroker.Name)]
public sealed class IntegratorTests(KafkaBroker broker)
{
    private const uint Integrator = 777001;

    [Fact]
    public async Task Brands_AreTheOnesİysListsAsReadable_OverPages_EachUnderItsOwnProvider()
    {
        // 120 brands of two providers (more than İYS's page of 100); brand 500005 with no right to read.
        var brands = Enumerable.Range(0, 120).Select(i => new IntegratorBrand(600000 + (uint)(i % 2), 500000 + (uint)i, $"Marka {i}",
            Mesaj: i == 5 ? null : "write", Arama: i == 5 ? null : "read", Eposta: i == 5 ? null : "write")).ToList();
        await using var rig = await SyncRig.StartAsync(broker, "iys-integrator", SyncRig.Quick with { Integrators = new Dictionary<uint, IReadOnlyList<IntegratorBrand>> { [Integrator] = brands } });
        var at = DateTimeOffset.UtcNow - TimeSpan.FromHours(3);
        foreach (uint brand in new uint[] { 500001, 500002, 500005 })
        {
            rig.Iys.Registry.Seed(brand, new ConsentWrite("MESAJ", "+90532" + (5_000_000 + brand % 1000), "BIREYSEL", "ONAY", SimulatedChange.IysTime(at), "HS_WEB"), at, transactionId: $"tx-{brand}");
        }

        var (exit, output, error) = await rig.SyncOnceAsync(rig.Config(brands: [], integratorCode: Integrator));

        Assert.True(exit == 0, output + error);
        Assert.Equal(119 * 2, output.Split('\n').Count(line => line.EndsWith("caught up", StringComparison.Ordinal)));
        Assert.DoesNotMatch(@"(?m)^500005\s", output);
        Assert.Equal(["tx-500001", "tx-500002"], rig.Published().Select(e => e.ConsentChanged.TransactionId).Order(StringComparer.Ordinal));
        Assert.Equal([600001u, 600000u], rig.Published().OrderBy(e => e.ConsentChanged.TransactionId, StringComparer.Ordinal).Select(e => e.ConsentChanged.IysCode));

        (exit, output, error) = await rig.SyncOnceAsync(rig.Config(brands: [500002, 500005], integratorCode: Integrator));

        Assert.True(exit == 0, output + error);
        Assert.Equal(["500002 HS", "500002 IYS"], output.Split('\n').Where(line => line.EndsWith("caught up", StringComparison.Ordinal))
            .Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2])));
    }
}
