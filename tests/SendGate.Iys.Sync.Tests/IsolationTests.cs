using System.Net;
using System.Security.Cryptography;
using SendGate.Core.Hashing;
using SendGate.IysSimulator;
using SendGate.Tests.Support;

namespace SendGate.Iys.Sync.Tests;

/// <summary>
/// The worker's three loops — PULL, the push of the sender's refusals, the receiver of İYS's push — each fed answers
/// it cannot use, in turn: the one fed garbage fails its rounds (counted, retried), the other two go on, and the
/// worker never stops.
/// </summary>
[Collection(SharedBroker.Name)]
public sealed class IsolationTests(KafkaBroker broker)
{
    [Fact]
    public async Task EachLoop_FedGarbage_FailsAlone_WhileTheOthersGoOn_AndTheWorkerNeverStops()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-isolation");
        string sealingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(AddressSeal.KeySize));
        Assert.True(AddressSeal.TryParseBase64(sealingKey, out var seal, out _));
        int port = GateHost.FreePort();
        var receiver = new Uri($"http://127.0.0.1:{port}/iys/changes");
        string config = rig.Config(sealingKey: sealingKey, receive: ReceiverTests.Receive($"http://127.0.0.1:{port}"), pollInterval: "00:00:00.300");
        await using var worker = await WorkerHost.StartAsync(config);

        // 1. The push's answers from İYS are garbage (the shape the connector once expected): PULL and the receiver go on.
        rig.Iys.Faults.GarbageNext("searchRequestDetails", int.MaxValue / 2, SimulatorFaults.Garbage.OldBulkStatus);
        Seed(rig, "+905329000001", "ONAY", "pull-1");
        await rig.ProduceRefusalsAsync(seal!, ["+905329000001"], DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.True(await Eventually.TrueAsync(async () => (await worker.MetricsAsync()).Contains("operation=\"searchRequestDetails\"", StringComparison.Ordinal)), "the push never met the garbage");
        Assert.True(await PublishedAsync(rig, "pull-1"), "PULL stopped while the push failed");
        await ReceiveAsync(worker, receiver, "push-1");
        Assert.Equal(["Submitted"], Ledger(rig)); // İYS took the refusal; nothing was taken from the garbage about it

        // 2. PULL's answers are garbage: the push settles, the receiver goes on.
        rig.Iys.Faults.GarbageNext("PullPerBrandCode", int.MaxValue / 2);
        rig.Iys.Faults.StopGarbage("searchRequestDetails");
        Seed(rig, "+905329000002", "ONAY", "pull-2");
        Assert.True(await Eventually.TrueAsync(() => Ledger(rig).SequenceEqual(["Accepted"])), "the push stopped while PULL failed");
        await ReceiveAsync(worker, receiver, "push-2");
        Assert.True(await Eventually.TrueAsync(async () => (await worker.MetricsAsync()).Contains("operation=\"PullPerBrandCode\"", StringComparison.Ordinal)), "PULL never met the garbage");
        Assert.DoesNotContain("pull-2", rig.Published().Select(e => e.ConsentChanged.TransactionId));

        // 3. The receiver is fed garbage: PULL resumes and the push goes on.
        rig.Iys.Faults.StopGarbage("PullPerBrandCode");
        for (int i = 0; i < 20; i++)
        {
            using var garbage = await ReceiverTests.Post(worker.Http, receiver, new StringContent("<html>" + i + "</html>"), "iys-push", "push-secret-1");
            Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        }

        Assert.True(await PublishedAsync(rig, "pull-2"), "PULL did not resume after its garbage stopped");
        await rig.ProduceRefusalsAsync(seal!, ["+905329000002"], DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.True(await Eventually.TrueAsync(() => Ledger(rig).SequenceEqual(["Accepted", "Accepted"])), "the push stopped while the receiver refused garbage");
        Assert.Equal("RET", Newest(rig, "+905329000002"));
        Assert.True(worker.Running);
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync(new Uri(worker.Admin, "/healthz"))).StatusCode);
    }

    private static void Seed(SyncRig rig, string phone, string status, string transaction)
    {
        var at = DateTimeOffset.UtcNow - TimeSpan.FromHours(2); // beyond PULL's withheld hour
        rig.Iys.Registry.Seed(123457, new ConsentWrite("MESAJ", phone, "BIREYSEL", status, SimulatedChange.IysTime(at), "HS_WEB"), at, transactionId: transaction);
    }

    /// <summary>The state of every refusal in the push's ledger.</summary>
    private static List<string> Ledger(SyncRig rig)
    {
        string directory = Path.Combine(rig.CursorPath, "optouts");
        return !Directory.Exists(directory) ? [] : [.. Directory.GetFiles(directory, "*.json")
            .Select(file => System.Text.Json.JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("state").GetString()!)];
    }

    private static string? Newest(SyncRig rig, string phone) => rig.Iys.Registry.Newest(123457, "MESAJ", "BIREYSEL", phone)?.Status;

    private static Task<bool> PublishedAsync(SyncRig rig, string transaction) =>
        Eventually.TrueAsync(() => rig.Published().Any(e => e.ConsentChanged.TransactionId == transaction));

    private static async Task ReceiveAsync(WorkerHost worker, Uri receiver, string transaction)
    {
        using var answer = await ReceiverTests.Post(worker.Http, receiver, ReceiverTests.Body(ReceiverTests.Item(123457, "+905329000099", "ONAY", transaction)), "iys-push", "push-secret-1");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }
}
