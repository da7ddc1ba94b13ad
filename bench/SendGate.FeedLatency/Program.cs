using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using Microsoft.Extensions.Logging.Abstractions;
using Confluent.Kafka;
using Google.Protobuf;
using SendGate.Client;
using SendGate.Contracts;
using SendGate.Contracts.V1;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using Channel = SendGate.Core.Domain.Channel;
using ConsentStatus = SendGate.Core.Domain.ConsentStatus;
using RecipientType = SendGate.Core.Domain.RecipientType;
using SendGate.Core.Hashing;
using SendGate.FeedLatency;
using SendGate.Kafka;

// Produce→visible latency: publish one new consent every 1/rate seconds (open model: the
// schedule does not wait for the gate), poll the gate for every pending recipient, and record,
// per event, the time from its scheduled publication to the first answer that shows it.
// This process shares the gate's machine, so it must not take the gate's CPU: the publisher
// sleeps between due events instead of spinning (its lateness, reported apart, is in every
// figure), and the poll comes every millisecond while few events are pending but spaces out
// as they pile up — every pending/20 ms — so that a stalled feed does not grow into 10^5
// recipient checks a second against the gate it measures (each figure is then late by at most
// 5% of the oldest pending event's age: ≤ 2.5 ms around 50 ms). Usage (a gate on --feed kafka must be running and caught up):
//   dotnet run -c Release --project bench/SendGate.FeedLatency -- [--rate 1000] [--seconds 30]
//     [--warmup 5] [--bootstrap 127.0.0.1:9092] [--topic sendgate.consents] [--gate http://127.0.0.1:50051]
// The first --warmup seconds run the same schedule unrecorded: this process's own start (JIT,
// connections) is not the gate's latency. Above 1,000 events/s every event is published but a
// sample of 1,000 a second is tracked (--sample N: every Nth), so that the polling stays light
// and the figure stays the gate's: every event takes the same path.
// Hashing__Key in the environment must be the gate's key.
//
// --via receiver: the path of a citizen's refusal pushed by İYS. Every recipient is first given an ONAY
// straight on the topic (not timed); then, on the same open schedule, this process stands in for İYS and
// POSTs each recipient's RET — one item per request, as İYS pushes each change — to the receiver of
// `sendgate iys sync` (--receiver URL, --user, --password; a self-signed https certificate on loopback is
// accepted), and times İYS's POST → the gate answering DENIED_REFUSED. The worker must take brand 900001
// of iysCode 123456 (Iys:Brands) and publish to --topic.
var settings = Arguments(args);
bool viaReceiver = settings.GetValueOrDefault("via", "kafka") == "receiver";
double rate = double.Parse(settings.GetValueOrDefault("rate", "1000"), CultureInfo.InvariantCulture);
int seconds = int.Parse(settings.GetValueOrDefault("seconds", "30"), CultureInfo.InvariantCulture);
int warmup = int.Parse(settings.GetValueOrDefault("warmup", "5"), CultureInfo.InvariantCulture);
var options = new KafkaFeedOptions { BootstrapServers = settings.GetValueOrDefault("bootstrap", "127.0.0.1:9092"), Topic = settings.GetValueOrDefault("topic", "sendgate.consents") };
options.Properties["api.version.request"] = "false";
options.Properties["broker.version.fallback"] = "0.9.0.1";
options.Properties["linger.ms"] = "1"; // at 100,000 events/s a request per event would swamp the broker: batch for 1 ms
options.Properties["socket.nagle.disable"] = "true";
var key = HashingKey.ParseBase64(Environment.GetEnvironmentVariable("Hashing__Key") ?? throw new InvalidOperationException("set Hashing__Key to the gate's key"));
var factory = new FeedEventFactory(new RecipientHasher(key), TimeProvider.System);
using var producer = KafkaClients.Producer(options, NullLogger.Instance);
using var receiver = viaReceiver ? new ReceiverClient(settings) : null;
using var channel = GateChannel.Create(new GateClientOptions { Address = new Uri(settings.GetValueOrDefault("gate", "http://127.0.0.1:50051")) });
var gate = new Gate.GateClient(channel);

int total = (int)(rate * (warmup + seconds));
int recordedFrom = (int)(rate * warmup);
int sample = int.Parse(settings.GetValueOrDefault("sample", Math.Max(1, (int)(rate / 1000)).ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
long run = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 1_000_000;
var scheduled = new long[total];
var latencies = new LongHistogram(3_600_000_000, 3); // microseconds, up to an hour, three significant digits
var lateness = new LongHistogram(3_600_000_000, 3); // how late this process published against its schedule: its own share of the figure
var pending = new Dictionary<string, int>();
var now = ConsentTime.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1));

// Every event made and encoded before the clock starts: publishing is then one produce call, so
// that this process keeps its schedule at 100,000 events/s on the gate's machine.
var phones = new string[total];
var messages = new Message<byte[]?, byte[]?>[total];
for (int i = 0; i < total; i++)
{
    phones[i] = string.Create(CultureInfo.InvariantCulture, $"0549{(run * 1000 + i) % 10_000_000:D7}");
    var input = new ConsentChangeInput { IysCode = 123456, BrandCode = 900001, Channel = Channel.Mesaj, RecipientType = RecipientType.Bireysel, Status = ConsentStatus.Onay, ConsentDate = now, ModifiedAt = now, Recipient = RecipientInput.FromAddress(phones[i]) };
    if (factory.TryCreate(input, out var change) != FeedEventError.None)
    {
        throw new InvalidOperationException("generated an invalid change");
    }

    messages[i] = new Message<byte[]?, byte[]?> { Key = FeedEventMapping.MessageKey(change!), Value = FeedEventMapping.ToEvent(change!, key.KeyId).ToByteArray() };
}

var visible = SendGate.Contracts.V1.Reason.AllowedConsent;
if (receiver is not null)
{
    // Every recipient consents first (straight on the topic, not timed), then the timed part refuses each through İYS's push.
    for (int i = 0; i < total; i++)
    {
        producer.Produce(options.Topic, messages[i]);
    }

    producer.Flush(TimeSpan.FromMinutes(1));
    await WaitAllowedAsync(gate, phones[^1]);
    visible = SendGate.Contracts.V1.Reason.DeniedRefused;
}

var clock = Stopwatch.StartNew();
var pendingLock = new object();
int published = 0;

// Publishing has a thread of its own, so that a slow answer from the gate never delays the
// schedule (only what this process cannot keep up with shows as lateness).
var publishing = new Thread(() =>
{
    for (int i = 0; i < total; i++)
    {
        long due = (long)(i / rate * Stopwatch.Frequency);
        while (clock.ElapsedTicks < due)
        {
            Thread.Sleep(1); // whatever is due when it wakes goes out at once
        }

        scheduled[i] = due;
        if (i >= recordedFrom)
        {
            lateness.RecordValue(Math.Max(0, (clock.ElapsedTicks - due) * 1_000_000 / Stopwatch.Frequency));
        }

        if (receiver is null)
        {
            producer.Produce(options.Topic, messages[i]);
        }
        else
        {
            receiver.Post(phones[i], run * 1_000_000 + i);
        }

        if (i % sample == 0)
        {
            lock (pendingLock)
            {
                pending[phones[i]] = i;
            }
        }

        Volatile.Write(ref published, i + 1);
    }
}) { IsBackground = true, Name = "publisher" };
publishing.Start();

while (Volatile.Read(ref published) < total || pending.Count > 0)
{
    string[] waiting;
    lock (pendingLock)
    {
        waiting = [.. pending.Keys];
    }

    if (waiting.Length > 0)
    {
        var request = new CheckRequest { IysCode = 123456, BrandCode = 900001, Channel = SendGate.Contracts.V1.Channel.Mesaj };
        request.Recipients.AddRange(waiting);
        var response = await gate.CheckAsync(request);
        long seen = clock.ElapsedTicks;
        lock (pendingLock)
        {
            for (int i = 0; i < waiting.Length; i++)
            {
                if (response.Reasons[i] == (byte)visible)
                {
                    int index = pending[waiting[i]];
                    if (index >= recordedFrom)
                    {
                        latencies.RecordValue(Math.Min((seen - scheduled[index]) * 1_000_000 / Stopwatch.Frequency, 3_600_000_000));
                    }

                    pending.Remove(waiting[i]);
                }
            }
        }
    }

    if (clock.Elapsed.TotalSeconds > warmup + seconds + 60)
    {
        Console.Error.WriteLine($"{pending.Count} events never became visible");
        return 1;
    }

    await Task.Delay(Math.Max(1, waiting.Length / 20));
}

double Ms(double percentile) => latencies.GetValueAtPercentile(percentile) / 1000.0;
string path = receiver is null ? "produce→visible" : "İYS POST→denied";
string refused = receiver is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"; receiver answered 200 to {receiver.Accepted} of {total} POSTs");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{latencies.TotalCount} events{(sample > 1 ? $" (every {sample}th)" : "")} at {rate:F0}/s: {path} p50 {Ms(50):F1} ms, p90 {Ms(90):F1} ms, p99 {Ms(99):F1} ms, max {latencies.GetMaxValue() / 1000.0:F1} ms; published late by p99 {lateness.GetValueAtPercentile(99) / 1000.0:F1} ms{refused}"));
return receiver is null || receiver.Accepted == total ? 0 : 1;

static async Task WaitAllowedAsync(Gate.GateClient gate, string phone)
{
    for (int attempt = 0; attempt < 600; attempt++)
    {
        var request = new CheckRequest { IysCode = 123456, BrandCode = 900001, Channel = SendGate.Contracts.V1.Channel.Mesaj, Recipients = { phone } };
        if ((await gate.CheckAsync(request)).Reasons[0] == (byte)SendGate.Contracts.V1.Reason.AllowedConsent)
        {
            return;
        }

        await Task.Delay(100);
    }

    throw new InvalidOperationException("the gate never showed the consents given first");
}

static Dictionary<string, string> Arguments(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i].TrimStart('-')] = args[i + 1];
    }

    return result;
}
