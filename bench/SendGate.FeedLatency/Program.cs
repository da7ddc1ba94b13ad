using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using Microsoft.Extensions.Logging.Abstractions;
using SendGate.Client;
using SendGate.Contracts.V1;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using Channel = SendGate.Core.Domain.Channel;
using ConsentStatus = SendGate.Core.Domain.ConsentStatus;
using RecipientType = SendGate.Core.Domain.RecipientType;
using SendGate.Core.Hashing;
using SendGate.Kafka;

// Produce→visible latency: publish one new consent every 1/rate seconds (open model: the
// schedule does not wait for the gate), poll the gate for every pending recipient each
// millisecond, and record, per event, the time from its scheduled publication to the first
// answer that shows it. Usage (a gate on --feed kafka must be running and caught up):
//   dotnet run -c Release --project bench/SendGate.FeedLatency -- [--rate 1000] [--seconds 30]
//     [--bootstrap 127.0.0.1:9092] [--topic sendgate.consents] [--gate http://127.0.0.1:50051]
// Hashing__Key in the environment must be the gate's key.
var settings = Arguments(args);
double rate = double.Parse(settings.GetValueOrDefault("rate", "1000"), CultureInfo.InvariantCulture);
int seconds = int.Parse(settings.GetValueOrDefault("seconds", "30"), CultureInfo.InvariantCulture);
var options = new KafkaFeedOptions { BootstrapServers = settings.GetValueOrDefault("bootstrap", "127.0.0.1:9092"), Topic = settings.GetValueOrDefault("topic", "sendgate.consents") };
options.Properties["api.version.request"] = "false";
options.Properties["broker.version.fallback"] = "0.9.0.1";
options.Properties["linger.ms"] = "0";
var key = HashingKey.ParseBase64(Environment.GetEnvironmentVariable("Hashing__Key") ?? throw new InvalidOperationException("set Hashing__Key to the gate's key"));
var factory = new FeedEventFactory(new RecipientHasher(key), TimeProvider.System);
using var publisher = new ConsentPublisher(KafkaClients.Producer(options, NullLogger.Instance), options.Topic, key.KeyId);
using var channel = GateChannel.Create(new GateClientOptions { Address = new Uri(settings.GetValueOrDefault("gate", "http://127.0.0.1:50051")) });
var gate = new Gate.GateClient(channel);

int total = (int)(rate * seconds);
long run = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 1_000_000;
var scheduled = new long[total];
var latencies = new LongHistogram(3_600_000_000, 3); // microseconds, up to an hour, three significant digits
var pending = new Dictionary<string, int>();
var clock = Stopwatch.StartNew();
int published = 0;
var now = ConsentTime.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1));
while (published < total || pending.Count > 0)
{
    // Publish everything whose scheduled time has come (coordinated omission: latency counts from the schedule).
    while (published < total && clock.Elapsed.TotalSeconds >= published / rate)
    {
        string phone = string.Create(CultureInfo.InvariantCulture, $"0549{(run * 1000 + published) % 10_000_000:D7}");
        var input = new ConsentChangeInput { IysCode = 123456, BrandCode = 900001, Channel = Channel.Mesaj, RecipientType = RecipientType.Bireysel, Status = ConsentStatus.Onay, ConsentDate = now, ModifiedAt = now, Recipient = RecipientInput.FromAddress(phone) };
        if (factory.TryCreate(input, out var change) != FeedEventError.None)
        {
            throw new InvalidOperationException("generated an invalid change");
        }

        scheduled[published] = (long)(published / rate * Stopwatch.Frequency);
        publisher.Publish(change!);
        pending[phone] = published++;
    }

    if (pending.Count > 0)
    {
        var request = new CheckRequest { IysCode = 123456, BrandCode = 900001, Channel = SendGate.Contracts.V1.Channel.Mesaj };
        var phones = pending.Keys.ToArray();
        request.Recipients.AddRange(phones);
        var response = await gate.CheckAsync(request);
        long seen = clock.ElapsedTicks;
        for (int i = 0; i < phones.Length; i++)
        {
            if (response.Reasons[i] == (byte)SendGate.Contracts.V1.Reason.AllowedConsent)
            {
                latencies.RecordValue(Math.Min((seen - scheduled[pending[phones[i]]]) * 1_000_000 / Stopwatch.Frequency, 3_600_000_000));
                pending.Remove(phones[i]);
            }
        }
    }

    if (clock.Elapsed.TotalSeconds > seconds + 60)
    {
        Console.Error.WriteLine($"{pending.Count} events never became visible");
        return 1;
    }

    await Task.Delay(1);
}

double Ms(double percentile) => latencies.GetValueAtPercentile(percentile) / 1000.0;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{latencies.TotalCount} events at {rate:F0}/s: produce→visible p50 {Ms(50):F1} ms, p90 {Ms(90):F1} ms, p99 {Ms(99):F1} ms, max {latencies.GetMaxValue() / 1000.0:F1} ms"));
return 0;

static Dictionary<string, string> Arguments(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i].TrimStart('-')] = args[i + 1];
    }

    return result;
}
