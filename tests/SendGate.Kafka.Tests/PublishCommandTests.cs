using System.CommandLine;
using System.Text;
using SendGate.Cli;
using SendGate.Contracts.V1;
using SendGate.Tests.Support;
using Reason = SendGate.Core.Domain.Reason;

namespace SendGate.Kafka.Tests;

/// <summary><c>sendgate publish</c> against the real broker: JSON Lines and İYS CSV in, keyed events out, no plaintext on the topic, and the gate serves them.</summary>
[Collection(SharedBroker.Name)]
public sealed class PublishCommandTests(KafkaBroker broker) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sendgate-publish-").FullName;

    [Fact]
    public async Task Publish_JsonLinesAndCsv_ReachTheGate_WithoutPlaintext()
    {
        string topic = "consents-published", dlq = "consents-published.dlq";
        await broker.CreateTopicAsync(topic, 3);
        await broker.CreateTopicAsync(dlq, 1, "delete");
        string config = Path.Combine(_directory, "publisher.json");
        await File.WriteAllTextAsync(config, $$"""{ "Hashing": { "Key": "{{GateHost.KeyBase64}}" }, "Feed": { "Kafka": { "Properties": { "api.version.request": "false", "broker.version.fallback": "0.9.0.1" } } } }""");
        string jsonl = Path.Combine(_directory, "consents.jsonl");
        await File.WriteAllTextAsync(jsonl, Consents.File);
        string csv = Path.Combine(_directory, "changes.csv");
        await File.WriteAllTextAsync(csv, """
            creationDate;transactionId;recipient;recipientType;type;status;consentDate;source
            2024-07-01 10:00:05;tx-csv-1;0532 777 00 01;BIREYSEL;MESAJ;ONAY;2024-07-01 10:00:00;HS_WEB
            2024-07-01 10:00:05;tx-csv-2;0532 777 00 02;BIREYSEL;MESAJ;RET;2024-07-01 10:00:00;IYS_WEB
            not a date;tx-csv-3;0532 777 00 03;BIREYSEL;MESAJ;ONAY;2024-07-01 10:00:00;HS_WEB

            """);

        var (exit, output, error) = await RunAsync("publish", "--from", jsonl, "--bootstrap", broker.Bootstrap, "--topic", topic, "--config", config, "--quiet");
        Assert.Equal(3, exit); // published, with rejected lines
        Assert.Contains("published 10 events", output, StringComparison.Ordinal);
        Assert.Contains("rejected 2 lines", output, StringComparison.Ordinal);
        Assert.Contains("line 11:", error, StringComparison.Ordinal);
        Assert.Contains("line 12:", error, StringComparison.Ordinal);

        (exit, output, error) = await RunAsync("publish", "--from", csv, "--bootstrap", broker.Bootstrap, "--topic", topic, "--config", config, "--iys", "123456", "--brand", "123457", "--quiet");
        Assert.Equal(3, exit);
        Assert.Contains("published 2 events", output, StringComparison.Ordinal);
        Assert.Contains("line 4: creationDate", error, StringComparison.Ordinal);

        var messages = broker.ReadAll(topic, partitions: 3);
        Assert.Equal(12, messages.Count);
        foreach (var message in messages)
        {
            string bytes = Encoding.Latin1.GetString(message.Message.Key!) + Encoding.Latin1.GetString(message.Message.Value!);
            Assert.DoesNotContain("53212345", bytes, StringComparison.Ordinal);
            Assert.DoesNotContain("5327770", bytes, StringComparison.Ordinal);
            Assert.DoesNotContain("example.com", bytes, StringComparison.OrdinalIgnoreCase);
            var feedEvent = FeedEvent.Parser.ParseFrom(message.Message.Value);
            Assert.Equal(GateHost.Hasher.KeyId, feedEvent.KeyId);
            Assert.True(feedEvent.ConsentChanged?.RecipientCase is null or ConsentChanged.RecipientOneofCase.RecipientKey);
            Assert.True(feedEvent.LineClosed?.RecipientCase is null or LineClosed.RecipientOneofCase.RecipientKey);
        }

        await using var gate = await GateHost.StartAsync("", broker.GateSettings(topic, dlq));
        Assert.Equal(
            [Reason.AllowedConsent, Reason.DeniedRefused, Reason.DeniedLineClosed, Reason.AllowedConsent, Reason.DeniedRefused, Reason.DeniedNoConsent],
            await Events.CheckAsync(gate, "0532 123 45 67", "05321234568", "05321234569", "05327770001", "05327770002", "05327770003"));
    }

    [Fact]
    public async Task Publish_WithoutAHashingKey_RefusesAndSaysHow()
    {
        string jsonl = Path.Combine(_directory, "consents.jsonl");
        await File.WriteAllTextAsync(jsonl, Consents.File);
        string config = Path.Combine(_directory, "empty.json");
        await File.WriteAllTextAsync(config, """{ "Hashing": { "Key": "" } }""");

        var (exit, _, error) = await RunAsync("publish", "--from", jsonl, "--bootstrap", broker.Bootstrap, "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("Hashing__Key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_ByBrand_WithoutTheClosureTopic_RefusesAndNamesIt()
    {
        string topic = "consents-no-closures";
        await broker.CreateTopicAsync(topic, 2);
        string jsonl = Path.Combine(_directory, "consents.jsonl");
        await File.WriteAllTextAsync(jsonl, Consents.File);
        string config = Path.Combine(_directory, "by-brand.json");
        await File.WriteAllTextAsync(config, $$"""{ "Hashing": { "Key": "{{GateHost.KeyBase64}}" }, "Feed": { "Kafka": { "Placement": "Brand", "Properties": { "api.version.request": "false", "broker.version.fallback": "0.9.0.1" } } } }""");

        var (exit, output, error) = await RunAsync("publish", "--from", jsonl, "--bootstrap", broker.Bootstrap, "--topic", topic, "--config", config, "--quiet");

        Assert.Equal(2, exit);
        Assert.Contains($"{topic}.closures does not exist", error, StringComparison.Ordinal);
        Assert.Equal("", output); // nothing published
        Assert.Empty(broker.ReadAll(topic, 2));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await SendGateCli.Root().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
