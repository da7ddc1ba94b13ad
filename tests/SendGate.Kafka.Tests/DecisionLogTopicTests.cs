using System.Text;
using System.Text.Json;
using SendGate.Tests.Support;
using ConsentStatus = SendGate.Core.Domain.ConsentStatus;
using Reason = SendGate.Core.Domain.Reason;

namespace SendGate.Kafka.Tests;

/// <summary>The decision log on a real broker: one record per answer, keyed by client, counts matching the answers, no address.</summary>
[Collection(SharedBroker.Name)]
public sealed class DecisionLogTopicTests(KafkaBroker broker)
{
    private const string Consented = "05321120001";
    private const string Unknown = "05321120002";

    [Fact]
    public async Task EveryAnswer_IsRecordedOnTheTopic()
    {
        string topic = "consents-audit", dlq = "consents-audit.dlq", decisions = "sendgate.decisions";
        await broker.CreateTopicAsync(topic, 1);
        await broker.CreateTopicAsync(dlq, 1, "delete");
        await broker.CreateTopicAsync(decisions, 1, "delete");
        using (var publisher = new ConsentPublisher(broker.Producer(topic), topic, GateHost.Hasher.KeyId))
        {
            publisher.Publish(Events.Change(Consented, ConsentStatus.Onay, "2024-01-01 10:00:00"));
            publisher.Flush(CancellationToken.None);
        }

        var settings = broker.GateSettings(topic, dlq);
        settings["DecisionLog:Topic"] = decisions;
        Reason[][] answers;
        await using (var gate = await GateHost.StartAsync("", settings))
        {
            answers = [await Events.CheckAsync(gate, Consented, Unknown), await Events.CheckAsync(gate, Unknown), await Events.CheckAsync(gate, Consented)];
        }

        // Stopping the gate drained the queue and flushed the producer.
        var records = broker.ReadAll(decisions);
        Assert.Equal(answers.Length, records.Count);
        for (int i = 0; i < answers.Length; i++)
        {
            using var json = JsonDocument.Parse(records[i].Message.Value);
            var root = json.RootElement;
            Assert.Equal("anonymous", Encoding.UTF8.GetString(records[i].Message.Key!));
            Assert.Equal("anonymous", root.GetProperty("client").GetString());
            Assert.Equal(answers[i].Length, root.GetProperty("recipients").GetInt32());
            Assert.Equal(answers[i].Count(r => r == Reason.AllowedConsent), root.GetProperty("allowed").GetInt32());
            Assert.Equal($"{topic}/0@1", root.GetProperty("watermark").GetProperty("positions").GetString());
            string text = Encoding.UTF8.GetString(records[i].Message.Value!);
            Assert.DoesNotContain("5321120001", text, StringComparison.Ordinal);
            Assert.DoesNotContain("5321120002", text, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A gate fed from a file can still log its decisions to Kafka: the brokers are
    /// Feed:Kafka's whatever the feed. It used to refuse to start, saying BootstrapServers was not
    /// set, because the Kafka options were bound only for a Kafka feed.
    /// </summary>
    [Fact]
    public async Task FileFedGate_RecordsItsAnswers_OnTheTopic()
    {
        const string Decisions = "sendgate.decisions.file-fed";
        await broker.CreateTopicAsync(Decisions, 1, "delete");
        var settings = new Dictionary<string, string?> { ["DecisionLog:Topic"] = Decisions, ["Feed:Kafka:BootstrapServers"] = broker.Bootstrap };
        foreach (var (name, value) in KafkaBroker.CompatibilityProperties)
        {
            settings["Feed:Kafka:Properties:" + name] = value;
        }

        Reason[] answer;
        await using (var gate = await GateHost.StartAsync("", settings))
        {
            answer = await Events.CheckAsync(gate, Unknown);
        }

        var record = Assert.Single(broker.ReadAll(Decisions));
        using var json = JsonDocument.Parse(record.Message.Value);
        Assert.Equal([Reason.DeniedNoConsent], answer);
        Assert.Equal(1, json.RootElement.GetProperty("recipients").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("allowed").GetInt32());
    }
}
