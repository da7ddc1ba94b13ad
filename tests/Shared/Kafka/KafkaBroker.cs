using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using SendGate.Kafka;

namespace SendGate.Tests.Support;

/// <summary>
/// A real Kafka 0.9.0.1 broker of the test's own: started by the project's eng/kafka.sh on free
/// ports with a fresh data directory, stopped and deleted at the end. Stop/Start restart it in
/// place (same ports, same data) for outage tests.
/// </summary>
public sealed class KafkaBroker : IAsyncLifetime
{
    /// <summary>What a 0.9 broker needs from every client (configuration, not code, in the product).</summary>
    public static readonly IReadOnlyDictionary<string, string> CompatibilityProperties = new Dictionary<string, string>
    {
        ["api.version.request"] = "false",
        ["broker.version.fallback"] = "0.9.0.1",
    };

    private readonly string _data = Directory.CreateTempSubdirectory("sendgate-kafka-").FullName;
    private readonly int _port = GateHost.FreePort();
    private readonly int _zookeeperPort = GateHost.FreePort();

    public string Bootstrap => $"127.0.0.1:{_port}";

    public async Task InitializeAsync() => await StartAsync();

    public async Task DisposeAsync()
    {
        await Script("stop");
        Directory.Delete(_data, recursive: true);
    }

    public Task StartAsync() => Script("start");

    public Task StopAsync() => Script("stop");

    public Task CreateTopicAsync(string name, int partitions = 3, string policy = "compact") => Script("create-topic", name, partitions.ToString(System.Globalization.CultureInfo.InvariantCulture), policy);

    /// <summary>Feed options for this broker (what a gate or the publisher is configured with).</summary>
    public KafkaFeedOptions Options(string topic, string deadLetterTopic)
    {
        var options = new KafkaFeedOptions { BootstrapServers = Bootstrap, Topic = topic, DeadLetterTopic = deadLetterTopic, GroupId = "sendgate-test-" + topic };
        foreach (var (name, value) in CompatibilityProperties)
        {
            options.Properties[name] = value;
        }

        return options;
    }

    /// <summary>The gate's configuration for this broker.</summary>
    public Dictionary<string, string?> GateSettings(string topic, string deadLetterTopic)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Feed:Kind"] = "Kafka",
            ["Feed:Kafka:BootstrapServers"] = Bootstrap,
            ["Feed:Kafka:Topic"] = topic,
            ["Feed:Kafka:DeadLetterTopic"] = deadLetterTopic,
            ["Feed:Kafka:FreshnessInterval"] = "00:00:00.200",
            ["Feed:Kafka:RequestTimeout"] = "00:00:02",
        };
        foreach (var (name, value) in CompatibilityProperties)
        {
            settings["Feed:Kafka:Properties:" + name] = value;
        }

        return settings;
    }

    public IProducer<byte[]?, byte[]?> Producer(string topic) => KafkaClients.Producer(Options(topic, topic + ".dlq"), NullLogger.Instance);

    /// <summary>Every message of a topic, from the beginning up to its end now.</summary>
    public List<ConsumeResult<byte[]?, byte[]?>> ReadAll(string topic, int partitions = 1)
    {
        var options = Options(topic, topic + ".dlq");
        options.GroupId = "reader-" + Guid.NewGuid().ToString("N");
        using var consumer = KafkaClients.Consumer(options, NullLogger.Instance);
        var ends = Enumerable.Range(0, partitions).Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value).ToArray();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var messages = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (messages.Count < ends.Sum() && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
            {
                messages.Add(result);
            }
        }

        consumer.Close();
        return messages;
    }

    private async Task Script(params string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            ["KAFKA_PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ZOOKEEPER_PORT"] = _zookeeperPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["KAFKA_DATA"] = _data,
        };
        string root = ExternalProgram.RepoRoot();
        var (exit, output) = await ExternalProgram.RunAsync("bash", [Path.Combine(root, "eng", "kafka.sh"), .. arguments], root, TimeSpan.FromMinutes(3), environment);
        Assert.True(exit == 0, $"eng/kafka.sh {string.Join(' ', arguments)} failed ({exit}):\n{output}");
    }
}
