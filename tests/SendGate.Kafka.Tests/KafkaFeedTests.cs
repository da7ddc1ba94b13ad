using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SendGate.Contracts.V1;
using SendGate.Feed.Status;
using SendGate.Tests.Support;
using ConsentStatus = SendGate.Core.Domain.ConsentStatus;
using MessageKind = SendGate.Core.Domain.MessageKind;
using Reason = SendGate.Core.Domain.Reason;
using RecipientType = SendGate.Core.Domain.RecipientType;

namespace SendGate.Kafka.Tests;

[CollectionDefinition(Name)]
public sealed class SharedBroker : ICollectionFixture<KafkaBroker>
{
    public const string Name = "kafka";
}

/// <summary>The gate fed by a real broker: the Core rule over duplicates and reordering, dead letters, readiness, live changes.</summary>
[Collection(SharedBroker.Name)]
public sealed class KafkaFeedTests(KafkaBroker broker)
{
    private const string Refused = "05321110001";      // ONAY, duplicate, RET (newest), then an older ONAY delivered late
    private const string Returned = "05321110002";     // ONAY → RET → ONAY
    private const string Both = "05321110003";         // TACIR ONAY, BIREYSEL RET
    private const string Reopened = "05321110004";     // ONAY, line closed, newer ONAY (new subscriber)
    private const string Closed = "05321110005";       // ONAY, then the line is closed
    private const string Plaintext = "05321110006";    // a foreign event with a valid plaintext address: hashed on arrival
    private const string Invalid = "05321110007";      // a plaintext address on a bad channel: dead-lettered, never applied
    private const string Tie = "05321110008";          // ONAY and RET at the same second: RET wins
    private const string Foreign = "05321110009";      // made with another hashing key: dead-lettered

    [Fact]
    public async Task Gate_AppliesTheCoreRule_AndDeadLettersWhatItCannotApply()
    {
        string topic = "consents-rule", dlq = "consents-rule.dlq";
        await broker.CreateTopicAsync(topic, 3);
        await broker.CreateTopicAsync(dlq, 1, "delete");
        PublishSequence(topic);

        await using var gate = await GateHost.StartAsync("", broker.GateSettings(topic, dlq));
        await using var replica = await GateHost.StartAsync("", broker.GateSettings(topic, dlq));

        foreach (var host in new[] { gate, replica })
        {
            Assert.Equal(
                [Reason.DeniedRefused, Reason.AllowedConsent, Reason.DeniedRefused, Reason.AllowedConsent, Reason.DeniedLineClosed, Reason.AllowedConsent, Reason.DeniedNoConsent, Reason.DeniedRefused, Reason.DeniedNoConsent],
                await Events.CheckAsync(host, Refused, Returned, Both, Reopened, Closed, Plaintext, Invalid, Tie, Foreign));
            Assert.Equal([Reason.AllowedConsent], await Events.CheckAsync(host, MessageKind.Commercial, RecipientType.Tacir, Both));
            Assert.True(host.Services.GetRequiredService<FeedStatus>().Current.Positions.All(p => p.Topic == topic && p.Lag == 0));
        }

        var letters = broker.ReadAll(dlq).Select(m => (Message: m, Letter: DeadLetter.Parser.ParseFrom(m.Message.Value))).ToList();
        Assert.Equal(4 * 2, letters.Count); // each replica dead-letters the same four events
        var reasons = letters.Select(l => l.Letter.Reason).Distinct().Order().ToArray();
        Assert.Equal(4, reasons.Length);
        Assert.Contains(reasons, r => r.Contains("not a sendgate.v1.FeedEvent", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("tombstone", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("channel", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("key_id", StringComparison.Ordinal));
        Assert.All(letters, l => Assert.Equal(topic, l.Letter.Topic));
        Assert.Equal(4, letters.Select(l => (l.Letter.Partition, l.Letter.Offset)).Distinct().Count());

        // The dead letters never carry an address: the bad-channel event's address became its key, the garbage was masked.
        foreach (var (message, letter) in letters)
        {
            string bytes = Encoding.Latin1.GetString(message.Message.Value!) + Encoding.Latin1.GetString(message.Message.Key ?? []);
            Assert.DoesNotContain("5321110007", bytes, StringComparison.Ordinal);
            Assert.DoesNotContain("5551234567", bytes, StringComparison.Ordinal);
            Assert.DoesNotContain("ali@example.com", bytes, StringComparison.Ordinal);
        }

        var invalid = letters.First(l => l.Letter.Reason.Contains("channel", StringComparison.Ordinal)).Letter;
        Assert.True(invalid.Redacted);
        Assert.Equal(ConsentChanged.RecipientOneofCase.RecipientKey, FeedEvent.Parser.ParseFrom(invalid.OriginalValue).ConsentChanged.RecipientCase);
        Assert.True(letters.First(l => l.Letter.Reason.Contains("FeedEvent", StringComparison.Ordinal)).Letter.Redacted);
    }

    [Fact]
    public async Task Gate_FollowsLiveChanges_AndReportsTheAppliedOffsets()
    {
        string topic = "consents-live", dlq = "consents-live.dlq";
        await broker.CreateTopicAsync(topic, 2);
        await broker.CreateTopicAsync(dlq, 1, "delete");
        using var publisher = new ConsentPublisher(broker.Producer(topic), topic, GateHost.Hasher.KeyId);
        publisher.Publish(Events.Change(Returned, ConsentStatus.Onay, "2024-01-01 10:00:00"));
        publisher.Flush(CancellationToken.None);

        await using var gate = await GateHost.StartAsync("", broker.GateSettings(topic, dlq));
        Assert.Equal([Reason.AllowedConsent], await Events.CheckAsync(gate, Returned));

        publisher.Publish(Events.Change(Returned, ConsentStatus.Ret, "2024-02-01 10:00:00"));
        publisher.Publish(Events.Closure(Closed, "2024-02-01 10:00:00"));
        publisher.Publish(Events.Change(Closed, ConsentStatus.Onay, "2024-01-01 10:00:00"));
        publisher.Flush(CancellationToken.None);
        Assert.Equal(0, publisher.Failed);

        await Events.EventuallyAsync(gate, Returned, Reason.DeniedRefused);
        await Events.EventuallyAsync(gate, Closed, Reason.DeniedLineClosed);
        var progress = await gate.OffsetsAsync(4);
        Assert.Equal(2, progress.Positions.Count);
        Assert.All(progress.Positions, p => Assert.Equal(p.End, p.Offset));
    }

    [Fact]
    public async Task Gate_IsNotServing_UntilTheTopicExistsAndIsApplied()
    {
        string topic = "consents-late", dlq = "consents-late.dlq";
        await using var gate = await GateHost.StartAsync("", broker.GateSettings(topic, dlq), waitUntilReady: false, services: s => s.AddLogging(logging => logging.AddFakeLogging()));
        var status = gate.Services.GetRequiredService<FeedStatus>();
        // Twice "waiting for topic" (event 4004): the feed has looked, found nothing, and looked again.
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            int waits = 0;
            await foreach (var record in gate.Services.GetRequiredService<FakeLogCollector>().GetLogsAsync(patience.Token))
            {
                if (record.Id.Id == 4004 && ++waits == 2)
                {
                    break;
                }
            }
        }

        Assert.False(status.CaughtUp.IsCompleted, "ready before the topic exists");
        Assert.Equal([Reason.DeniedStaleIndex], await Events.CheckAsync(gate, Returned));
        Assert.Equal([NotServing, NotServing], await HealthAsync(gate));
        using var admin = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await admin.GetAsync(new Uri(gate.Admin, "/admin/digest"))).StatusCode); // no audit of a state being built

        await broker.CreateTopicAsync(topic, 1);
        await broker.CreateTopicAsync(dlq, 1, "delete");
        using (var publisher = new ConsentPublisher(broker.Producer(topic), topic, GateHost.Hasher.KeyId))
        {
            publisher.Publish(Events.Change(Returned, ConsentStatus.Onay, "2024-01-01 10:00:00"));
            publisher.Flush(CancellationToken.None);
        }

        await status.CaughtUp.WaitAsync(TimeSpan.FromSeconds(30));
        await Events.EventuallyAsync(gate, Returned, Reason.AllowedConsent);
        Assert.Equal([Serving, Serving], await HealthAsync(gate));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.GetAsync(new Uri(gate.Admin, "/admin/digest"))).StatusCode);
    }

    private const Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus Serving = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving;
    private const Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus NotServing = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing;

    /// <summary>grpc.health.v1 for the whole server ("") and for sendgate.v1.Gate.</summary>
    private static async Task<Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus[]> HealthAsync(GateHost gate) =>
    [
        (await gate.Health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest())).Status,
        (await gate.Health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = "sendgate.v1.Gate" })).Status,
    ];

    /// <summary>Duplicates, reordering, ONAY→RET→ONAY, both recipient types, closures, and five kinds of bad event.</summary>
    private void PublishSequence(string topic)
    {
        using var producer = broker.Producer(topic);
        using var publisher = new ConsentPublisher(broker.Producer(topic), topic, GateHost.Hasher.KeyId);
        var onay = Events.Change(Refused, ConsentStatus.Onay, "2024-01-01 10:00:00");
        publisher.Publish(onay);
        publisher.Publish(onay);
        publisher.Publish(Events.Change(Refused, ConsentStatus.Ret, "2024-03-01 10:00:00"));
        publisher.Publish(Events.Change(Refused, ConsentStatus.Onay, "2024-02-01 10:00:00"));

        publisher.Publish(Events.Change(Returned, ConsentStatus.Onay, "2024-01-01 10:00:00"));
        publisher.Publish(Events.Change(Returned, ConsentStatus.Ret, "2024-02-01 10:00:00"));
        publisher.Publish(Events.Change(Returned, ConsentStatus.Onay, "2024-03-01 10:00:00"));

        publisher.Publish(Events.Change(Both, ConsentStatus.Onay, "2024-01-01 10:00:00", RecipientType.Tacir));
        publisher.Publish(Events.Change(Both, ConsentStatus.Ret, "2024-01-01 10:00:00"));

        publisher.Publish(Events.Change(Reopened, ConsentStatus.Onay, "2023-01-01 10:00:00"));
        publisher.Publish(Events.Closure(Reopened, "2023-06-01 00:00:00"));
        publisher.Publish(Events.Change(Reopened, ConsentStatus.Onay, "2024-01-01 10:00:00"));

        publisher.Publish(Events.Change(Closed, ConsentStatus.Onay, "2023-01-01 10:00:00"));
        publisher.Publish(Events.Closure(Closed, "2023-06-01 00:00:00"));

        publisher.Publish(Events.Change(Tie, ConsentStatus.Onay, "2024-01-01 10:00:00"));
        publisher.Publish(Events.Change(Tie, ConsentStatus.Ret, "2024-01-01 10:00:00"));
        publisher.Flush(CancellationToken.None);
        Assert.Equal(0, publisher.Failed);

        // A compacted topic refuses messages without a key: foreign producers key as they see fit.
        Events.Raw(producer, topic, Encoding.ASCII.GetBytes("foreign-1"), Events.WithAddress("+90 532 111 00 06", SendGate.Contracts.V1.Channel.Mesaj));
        Events.Raw(producer, topic, Encoding.ASCII.GetBytes("foreign-2"), Events.WithAddress(Invalid, SendGate.Contracts.V1.Channel.Eposta));
        Events.Raw(producer, topic, Encoding.ASCII.GetBytes("key:05551234567"), Encoding.ASCII.GetBytes("{\"recipient\":\"05551234567\",\"mail\":\"ali@example.com\"}"));
        Events.Raw(producer, topic, Events.Change("05321119999", ConsentStatus.Onay, "2024-05-01 10:00:00").Key.ToWireBytes(), null);
        Events.Raw(producer, topic, Encoding.ASCII.GetBytes("foreign-3"), Events.WithForeignKeyId(Events.Change(Foreign, ConsentStatus.Onay, "2024-01-01 10:00:00")));
    }
}
