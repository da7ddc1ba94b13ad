using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using SendGate.Contracts.V1;
using SendGate.IysSimulator;
using SendGate.Tests.Support;
using Reason = SendGate.Core.Domain.Reason;

namespace SendGate.Iys.Sync.Tests;

/// <summary>
/// The sender's own refusals: Gate.RecordOptOut on a Kafka-fed gate (denied at once by every gate), then
/// <c>sendgate iys push</c> uploading them to the simulated İYS once each and recording İYS's answers.
/// </summary>
[Collection(SharedBroker.Name)]
public sealed class PushTests(KafkaBroker broker)
{
    private static readonly string SealingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task RecordedRefusals_AreDeniedAtOnce_UploadedToİysOnce_AndİysAnswersKept()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-push");
        var earlier = DateTimeOffset.UtcNow - TimeSpan.FromHours(3);
        foreach (string phone in new[] { "+905323000001", "+905323000002" })
        {
            rig.Iys.Registry.Seed(123457, new ConsentWrite("MESAJ", phone, "BIREYSEL", "ONAY", SimulatedChange.IysTime(earlier), "HS_WEB"), earlier);
        }

        string config = rig.Config(sealingKey: SealingKey);
        Assert.Equal(0, (await rig.SyncOnceAsync(config)).Exit);
        var settings = new Dictionary<string, string?>(broker.GateSettings(rig.Topic, rig.DeadLetterTopic)) { ["OptOut:Topic"] = rig.OptOutTopic, ["OptOut:SealingKey"] = SealingKey };
        await using var gate = await GateHost.StartAsync("", settings);
        Assert.Equal([Reason.AllowedConsent, Reason.AllowedConsent], await CheckAsync(gate, "05323000001", "0532 300 00 02"));

        var refusedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(-5));
        var first = await RecordAsync(gate, "0532 300 00 01", "HS_MESAJ", refusedAt);
        var again = await RecordAsync(gate, "05323000001", "HS_MESAJ", refusedAt); // a gateway retrying the same refusal
        await RecordAsync(gate, "05323000002", "HS_WEB", refusedAt);
        await RecordAsync(gate, "05323000003", "HS_CAGRI_MERKEZI", refusedAt); // İYS holds no record: its first record cannot be RET (H175)
        Assert.Equal(first.OptOutId, again.OptOutId);

        Reason[] reasons = [];
        for (int attempt = 0; attempt < 40 && reasons is not [Reason.DeniedRefused, Reason.DeniedRefused, Reason.DeniedRefused]; attempt++)
        {
            await Task.Delay(100); // the gate applies its own refusal from the topic within moments
            reasons = await CheckAsync(gate, "05323000001", "05323000002", "05323000003");
        }

        Assert.Equal([Reason.DeniedRefused, Reason.DeniedRefused, Reason.DeniedRefused], reasons);
        string sealedTopic = string.Concat(broker.ReadAll(rig.OptOutTopic, partitions: 2).Select(m => Encoding.Latin1.GetString(m.Message.Value!)));
        Assert.DoesNotContain("5323000001", sealedTopic, StringComparison.Ordinal);

        var (exit, output, error) = await SyncRig.CliAsync("iys", "push", "--config", config);

        Assert.True(exit == 0, output + error);
        Assert.Contains("read 4 refusals (0 already in the ledger), uploaded 3; İYS accepted 2, refused 1; 0 wait for İYS", output, StringComparison.Ordinal);
        Assert.Contains("H175", output, StringComparison.Ordinal);
        Assert.DoesNotContain("5323000003", output, StringComparison.Ordinal);
        Assert.Equal(("RET", "HS_MESAJ"), Newest(rig, "+905323000001"));
        Assert.Equal(("RET", "HS_WEB"), Newest(rig, "+905323000002"));
        Assert.Null(rig.Iys.Registry.Newest(123457, "MESAJ", "BIREYSEL", "+905323000003"));

        await RecordAsync(gate, "05323000002", "HS_WEB", refusedAt); // recorded again after its upload: never uploaded twice
        (exit, output, error) = await SyncRig.CliAsync("iys", "push", "--config", config);
        Assert.True(exit == 0, output + error);
        Assert.Contains("read 1 refusals (1 already in the ledger), uploaded 0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordOptOut_SaysWhatIsWrong()
    {
        await using var fileFed = await GateHost.StartAsync("");
        var notKafka = await Assert.ThrowsAsync<RpcException>(() => RecordAsync(fileFed, "05323000001", "HS_MESAJ", null));
        Assert.Equal(StatusCode.FailedPrecondition, notKafka.StatusCode);
        Assert.Contains("Kafka-fed", notKafka.Status.Detail, StringComparison.Ordinal);

        var settings = new Dictionary<string, string?>(broker.GateSettings("iys-push-checks", "iys-push-checks.dlq")) { ["OptOut:SealingKey"] = SealingKey };
        await broker.CreateTopicAsync("iys-push-checks", 1);
        await using var gate = await GateHost.StartAsync("", settings);
        var citizenSource = await Assert.ThrowsAsync<RpcException>(() => RecordAsync(gate, "05323000001", "IYS_WEB", null));
        Assert.Equal(StatusCode.InvalidArgument, citizenSource.StatusCode);
        Assert.Contains("HS_", citizenSource.Status.Detail, StringComparison.Ordinal);
        var badNumber = await Assert.ThrowsAsync<RpcException>(() => RecordAsync(gate, "12345", "HS_MESAJ", null));
        Assert.Equal(StatusCode.InvalidArgument, badNumber.StatusCode);
        Assert.DoesNotContain("12345", badNumber.Status.Detail, StringComparison.Ordinal);
        var future = await Assert.ThrowsAsync<RpcException>(() => RecordAsync(gate, "05323000001", "HS_MESAJ", Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1))));
        Assert.Equal(StatusCode.InvalidArgument, future.StatusCode);
    }

    private static (string Status, string? Source) Newest(SyncRig rig, string phone) =>
        rig.Iys.Registry.Newest(123457, "MESAJ", "BIREYSEL", phone) is { } change ? (change.Status, change.Source) : ("none", null);

    private static async Task<RecordOptOutResponse> RecordAsync(GateHost gate, string recipient, string source, Google.Protobuf.WellKnownTypes.Timestamp? refusedAt) =>
        await gate.Gate.RecordOptOutAsync(new RecordOptOutRequest
        {
            IysCode = 123456, BrandCode = 123457, Channel = Channel.Mesaj, RecipientType = RecipientType.Bireysel, Recipient = recipient, Source = source, RefusedAt = refusedAt,
        });

    private static async Task<Reason[]> CheckAsync(GateHost gate, params string[] phones)
    {
        var request = new CheckRequest { IysCode = 123456, BrandCode = 123457, Channel = Channel.Mesaj };
        request.Recipients.AddRange(phones);
        return [.. (await gate.Gate.CheckAsync(request)).Reasons.Select(r => (Reason)r)];
    }
}
