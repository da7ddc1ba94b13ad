using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Google.Protobuf;
using SendGate.Core.Hashing;
using SendGate.Core.Recipients;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using SendGate.Cli;
using SendGate.Contracts.V1;
using SendGate.IysSimulator;
using SendGate.Tests.Support;

namespace SendGate.Iys.Sync.Tests;

[CollectionDefinition(Name)]
public sealed class SharedBroker : ICollectionFixture<KafkaBroker>
{
    public const string Name = "kafka";
}

/// <summary>
/// One test's connector set-up: a simulated İYS on a free port, a consent topic and dead-letter topic of its own on
/// the shared real broker, a cursor directory, and the connector's configuration file — run through the real CLI.
/// </summary>
internal sealed class SyncRig : IAsyncDisposable
{
    private SyncRig(KafkaBroker broker, IysSimulatorServer iys, string name)
    {
        Broker = broker;
        Iys = iys;
        Topic = name;
        DeadLetterTopic = name + ".dlq";
    }

    /// <summary>İYS as documented, but quick about bulk writes: answers 200 ms after the write, items 5 ms apart.</summary>
    public static SimulatorSettings Quick { get; } = new() { BulkFirstAnswer = TimeSpan.FromMilliseconds(200), BulkItemTime = TimeSpan.FromMilliseconds(5) };

    public KafkaBroker Broker { get; }

    public IysSimulatorServer Iys { get; }

    public string Topic { get; }

    public string DeadLetterTopic { get; }

    public string OptOutTopic => Topic + ".optouts";

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("sendgate-iys-").FullName;

    public string CursorPath => Path.Combine(Directory, "cursors");

    /// <summary>
    /// A rig; unless <paramref name="settings"/> say otherwise, the simulated İYS answers about bulk writes after 200 ms
    /// instead of İYS's 300 s (the connector's Iys:PushFirstAsk in <see cref="Config"/> is set to match).
    /// </summary>
    public static async Task<SyncRig> StartAsync(KafkaBroker broker, string name, SimulatorSettings? settings = null, TimeProvider? clock = null)
    {
        var iys = await IysSimulatorServer.StartAsync(settings ?? Quick, clock);
        await broker.CreateTopicAsync(name, 3);
        await broker.CreateTopicAsync(name + ".dlq", 1, "delete");
        await broker.CreateTopicAsync(name + ".optouts", 2, "delete");
        return new SyncRig(broker, iys, name);
    }

    /// <summary>Writes the connector's configuration (fast retries for tests) and returns its path.</summary>
    public string Config(int pageSize = 999, int maxRetries = 8, uint[]? brands = null, string? adminUrl = null, string requestTimeout = "00:00:05", string pollInterval = "00:00:01",
        string? sealingKey = null, int tokenRequestsPerHour = 10, Dictionary<string, object>? receive = null, uint integratorCode = 0)
    {
        var kafka = new Dictionary<string, object>
        {
            ["BootstrapServers"] = Broker.Bootstrap,
            ["Topic"] = Topic,
            ["DeadLetterTopic"] = DeadLetterTopic,
            ["Properties"] = KafkaBroker.CompatibilityProperties,
        };
        var iys = new Dictionary<string, object>
        {
            ["BaseUrl"] = Iys.BaseUrl.ToString(),
            ["Username"] = "sendgate",
            ["Password"] = "sendgate-password",
            ["IysCode"] = ConsentHistory.IysCode,
            ["Brands"] = brands ?? [123457],
            ["CursorPath"] = CursorPath,
            ["PageSize"] = pageSize,
            ["MaxRetries"] = maxRetries,
            ["RetryDelay"] = "00:00:00.050",
            ["MaxRetryDelay"] = "00:00:00.500",
            ["RequestTimeout"] = requestTimeout,
            ["PollInterval"] = pollInterval,
            ["AdminUrl"] = adminUrl ?? $"http://127.0.0.1:{GateHost.FreePort()}",
            ["PushPollInterval"] = "00:00:00.100",
            ["PushFirstAsk"] = "00:00:00.300", // the simulator here answers after 200 ms (SimulatorSettings.BulkFirstAnswer in StartAsync)
            ["PushGroup"] = "push-" + Topic,
            ["TokenRequestsPerHour"] = tokenRequestsPerHour,
            ["IntegratorCode"] = integratorCode,
        };
        if (receive is not null)
        {
            iys["Receive"] = receive;
        }

        var config = new Dictionary<string, object> { ["Iys"] = iys, ["Hashing"] = new Dictionary<string, string> { ["Key"] = GateHost.KeyBase64 }, ["Feed"] = new Dictionary<string, object> { ["Kafka"] = kafka } };
        if (sealingKey is not null)
        {
            config["OptOut"] = new Dictionary<string, string> { ["Topic"] = OptOutTopic, ["SealingKey"] = sealingKey };
        }

        string path = Path.Combine(Directory, "sync.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    public static async Task<(int Exit, string Output, string Error)> CliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await SendGateCli.Root().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    public Task<(int Exit, string Output, string Error)> SyncOnceAsync(string config) => CliAsync("iys", "sync", "--once", "--config", config);

    /// <summary>Every event on the consent topic now.</summary>
    public List<FeedEvent> Published() => [.. Broker.ReadAll(Topic, partitions: 3).Select(message => FeedEvent.Parser.ParseFrom(message.Message.Value))];

    public static string StoredCursor(string cursorPath, uint brand, string source)
    {
        string path = Path.Combine(cursorPath, string.Create(CultureInfo.InvariantCulture, $"{brand}-{source}.cursor.json"));
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("after").GetString() ?? string.Empty;
    }

    /// <summary>Refusals as gates record them (Gate.RecordOptOut): on the opt-out topic, each address sealed under <paramref name="seal"/>.</summary>
    public async Task ProduceRefusalsAsync(AddressSeal seal, IEnumerable<string> phones, DateTimeOffset refusedAt)
    {
        using var producer = Broker.Producer(OptOutTopic);
        foreach (string phone in phones)
        {
            string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            Assert.Equal(RecipientError.None, GateHost.Hasher.TryHash(phone.AsSpan(), Core.Domain.Channel.Mesaj, out var key));
            var record = new OptOutRecorded
            {
                OptOutId = id, IysCode = 123456, BrandCode = 123457, Channel = Channel.Mesaj, RecipientType = RecipientType.Bireysel,
                RecipientKey = ByteString.CopyFrom(key.ToArray()),
                SealedRecipient = ByteString.CopyFrom(seal.Seal(Encoding.UTF8.GetBytes(phone), Encoding.UTF8.GetBytes(id))),
                Source = "HS_MESAJ", RefusedAt = Timestamp.FromDateTimeOffset(refusedAt), RecordedAt = Timestamp.FromDateTimeOffset(refusedAt),
            };
            await producer.ProduceAsync(OptOutTopic, new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(id), Value = record.ToByteArray() });
        }
    }

    /// <summary>A gate's state digest (<c>/admin/digest</c>): equal digests, equal states.</summary>
    public static async Task<GateDigest> DigestAsync(GateHost gate)
    {
        using var http = new HttpClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(gate.Admin, "/admin/digest")));
        var root = document.RootElement;
        return new GateDigest(root.GetProperty("digest").GetString()!, root.GetProperty("tuples").GetInt64(), root.GetProperty("consistent").GetBoolean());
    }

    public async ValueTask DisposeAsync()
    {
        await Iys.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

/// <summary>What <c>/admin/digest</c> says of a gate's state.</summary>
internal sealed record GateDigest(string Value, long Tuples, bool Consistent);
