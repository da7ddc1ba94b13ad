using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using SendGate.Contracts;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Benchmarks.Feed;

/// <summary>
/// Decoding a Kafka payload into a validated change, per event, as our publishers write them (recipient keys, an
/// İYS source, a transaction id, two times): the span reader the feed uses against Google.Protobuf's message
/// objects mapped to the same input (the feed's decoder before it, the baseline). Allocation is the point as much
/// as time: a catch-up decodes millions, in parallel, between garbage collections.
/// </summary>
[MemoryDiagnoser]
public class FeedDecodeBenchmarks
{
    private const int Batch = 1024;
    private readonly RecipientHasher _hasher = new(HashingKey.FromBytes(RandomNumberGenerator.GetBytes(16)));
    private FeedEventFactory _factory = null!;
    private byte[][] _payloads = [];

    [GlobalSetup]
    public void Setup()
    {
        _factory = new FeedEventFactory(_hasher, TimeProvider.System);
        var random = new Random(42);
        _payloads = new byte[Batch][];
        for (int i = 0; i < Batch; i++)
        {
            var at = ConsentTime.FromDateTimeOffset(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.Next(0, 30_000_000)));
            var key = new ConsentKey((uint)random.Next(100_000, 999_999), Channel.Mesaj, RecipientType.Bireysel,
                _hasher.HashNormalized(System.Text.Encoding.ASCII.GetBytes($"+90532{random.Next(1_000_000, 9_999_999)}")));
            var record = new ConsentRecord
            {
                State = ConsentState.Create(random.Next(2) == 0 ? ConsentStatus.Onay : ConsentStatus.Ret, at, at),
                IysCode = 123456,
                Source = "HS_WEB",
                TransactionId = $"tx-{random.Next():x8}",
            };
            _payloads[i] = FeedEventMapping.ToEvent(new ConsentChange(key, record), _hasher.KeyId).ToByteArray();
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int GoogleProtobufObjects()
    {
        int valid = 0;
        foreach (byte[] payload in _payloads)
        {
            valid += FeedEventMapping.Decode(Contracts.V1.FeedEvent.Parser.ParseFrom(payload), _factory).IsValid ? 1 : 0;
        }

        return valid;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int SpanReader()
    {
        int valid = 0;
        foreach (byte[] payload in _payloads)
        {
            valid += FeedEventReader.Decode(payload, _factory).IsValid ? 1 : 0;
        }

        return valid;
    }
}
