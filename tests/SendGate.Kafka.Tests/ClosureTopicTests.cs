using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using SendGate.Contracts;
using SendGate.Contracts.V1;
using SendGate.Feed.Pipeline;
using SendGate.Feed.Status;
using SendGate.Index;
using SendGate.Tests.Support;
using ConsentStatus = SendGate.Core.Domain.ConsentStatus;
using Reason = SendGate.Core.Domain.Reason;

namespace SendGate.Kafka.Tests;

/// <summary>
/// Line closures on a topic of their own (Feed:Kafka:Placement=Brand → "&lt;topic&gt;.closures"): published there once,
/// not once per partition; read whole by every gate beside its consent partitions, live and across a restart from
/// durable state (the closure topic's position is part of the checkpoint); a consent change found there is
/// dead-lettered; and a closure topic of the wrong shape stops the feed and the publisher with a sentence.
/// </summary>
[Collection(SharedBroker.Name)]
public sealed class ClosureTopicTests(KafkaBroker broker) : IDisposable
{
    private const string Closed = "05321120001";   // ONAY, then the line is closed
    private const string Reopened = "05321120002"; // ONAY, closed, a newer ONAY (the new subscriber)
    private const string Open = "05321120003";     // ONAY; closed while the gate runs
    private const string Stray = "05321120004";    // an ONAY published on the closure topic by mistake: dead-lettered

    private readonly string _state = Directory.CreateTempSubdirectory("sendgate-closures-").FullName;

    [Fact]
    public async Task Closures_OnTheirOwnTopic_AreReadByEveryGate_LiveAndAfterARestart()
    {
        const string Topic = "consents-own-closures", Closures = Topic + ".closures", Dlq = Topic + ".dlq";
        await broker.CreateTopicAsync(Topic, 3);
        await broker.CreateTopicAsync(Closures, 1);
        await broker.CreateTopicAsync(Dlq, 1, "delete");
        using (var publisher = Publisher(Topic, Dlq))
        {
            publisher.Publish(Events.Change(Closed, ConsentStatus.Onay, "2023-01-01 10:00:00"));
            publisher.Publish(Events.Closure(Closed, "2023-06-01 00:00:00"));
            publisher.Publish(Events.Change(Reopened, ConsentStatus.Onay, "2023-01-01 10:00:00"));
            publisher.Publish(Events.Closure(Reopened, "2023-06-01 00:00:00"));
            publisher.Publish(Events.Change(Reopened, ConsentStatus.Onay, "2024-01-01 10:00:00"));
            publisher.Publish(Events.Change(Open, ConsentStatus.Onay, "2024-01-01 10:00:00"));
            publisher.Flush(CancellationToken.None);
            Assert.Equal(0, publisher.Failed);
        }

        Assert.Equal(2, broker.ReadAll(Closures).Count); // one message per closure, however many partitions
        Assert.All(broker.ReadAll(Topic, 3), m => Assert.Equal(FeedEvent.EventOneofCase.ConsentChanged, FeedEvent.Parser.ParseFrom(m.Message.Value).EventCase));
        using (var producer = broker.Producer(Closures))
        {
            var stray = Events.Change(Stray, ConsentStatus.Onay, "2024-01-01 10:00:00");
            Events.Raw(producer, Closures, FeedEventMapping.MessageKey(stray), FeedEventMapping.ToEvent(stray, GateHost.Hasher.KeyId).ToByteArray());
        }

        var settings = Settings(Topic, Dlq);
        await using (var gate = await GateHost.StartAsync("", settings))
        {
            Assert.Equal([Reason.DeniedLineClosed, Reason.AllowedConsent, Reason.AllowedConsent, Reason.DeniedNoConsent], await Events.CheckAsync(gate, Closed, Reopened, Open, Stray));
            var closures = gate.Services.GetRequiredService<FeedStatus>().Current.Positions.Single(p => p.Topic == Closures);
            Assert.Equal((0, 3L, 3L), (closures.Partition, closures.Offset, closures.End));
            Assert.Equal(3, gate.Services.GetRequiredService<FeedStatus>().Current.Positions.Count(p => p.Topic == Topic));

            using var publisher = Publisher(Topic, Dlq);
            publisher.Publish(Events.Closure(Open, "2024-06-01 00:00:00"));
            publisher.Flush(CancellationToken.None);
            await Events.EventuallyAsync(gate, Open, Reason.DeniedLineClosed);
            await gate.OffsetsAsync(4 + 4); // four changes, three closures and the stray change
        } // graceful stop: a final checkpoint, the closure topic's position in it

        var letter = DeadLetter.Parser.ParseFrom(Assert.Single(broker.ReadAll(Dlq)).Message.Value);
        Assert.Equal((Closures, 0, 2L), (letter.Topic, letter.Partition, letter.Offset));
        Assert.Contains("consent change on the line-closure topic", letter.Reason, StringComparison.Ordinal);

        await using (var restarted = await GateHost.StartAsync("", settings))
        {
            Assert.Equal(0, restarted.Services.GetRequiredService<ConsentStore>().Applied); // resumed: nothing read again
            Assert.Equal([Reason.DeniedLineClosed, Reason.AllowedConsent, Reason.DeniedLineClosed, Reason.DeniedNoConsent], await Events.CheckAsync(restarted, Closed, Reopened, Open, Stray));
            Assert.Equal(4, restarted.Services.GetRequiredService<FeedStatus>().Current.Positions.Single(p => p.Topic == Closures).Offset);
        }

        Assert.Single(broker.ReadAll(Dlq)); // the stray change was not read, nor dead-lettered, again

        // A gate told closures are on the consent topic, beside a topic named like a closure topic: warned, loudly.
        var byKey = broker.GateSettings(Topic, Dlq);
        await using var misconfigured = await GateHost.StartAsync("", byKey, services: s => s.AddLogging(logging => logging.AddFakeLogging()));
        var warning = Assert.Single(misconfigured.Services.GetRequiredService<FakeLogCollector>().GetSnapshot(), record => record.Id.Id == 4017);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(Closures, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClosureTopicOfTwoPartitions_StopsTheFeedAndThePublisher_WithASentence()
    {
        const string Topic = "consents-two-closures", Closures = Topic + ".closures", Dlq = Topic + ".dlq";
        await broker.CreateTopicAsync(Topic, 2);
        await broker.CreateTopicAsync(Closures, 2);
        await broker.CreateTopicAsync(Dlq, 1, "delete");

        var refused = Assert.Throws<TopicSetupException>(() => Publisher(Topic, Dlq));
        Assert.Contains($"{Closures} must have exactly one partition", refused.Message, StringComparison.Ordinal);

        await using var gate = await GateHost.StartAsync("", Settings(Topic, Dlq), waitUntilReady: false);
        var failure = await Assert.ThrowsAsync<FeedSourceException>(() => gate.Services.GetRequiredService<FeedStatus>().CaughtUp.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"{Closures} has 2 partitions; it must have exactly one", failure.Message, StringComparison.Ordinal);
        Assert.Equal([Reason.DeniedStaleIndex], await Events.CheckAsync(gate, Closed));
    }

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private ConsentPublisher Publisher(string topic, string dlq)
    {
        var options = broker.Options(topic, dlq);
        options.Placement = ConsentPlacement.Brand;
        return ConsentPublisher.Create(options, NullLogger.Instance, GateHost.Hasher.KeyId);
    }

    private Dictionary<string, string?> Settings(string topic, string dlq)
    {
        var settings = broker.GateSettings(topic, dlq);
        settings["Feed:Kafka:Placement"] = "Brand";
        settings["Durability:Path"] = Path.Combine(_state, topic);
        settings["Index:ExpectedTuples"] = "1024";
        return settings;
    }
}
