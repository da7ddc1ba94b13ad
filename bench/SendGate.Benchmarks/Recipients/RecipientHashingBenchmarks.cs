using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Core.Recipients;

namespace SendGate.Benchmarks.Recipients;

/// <summary>
/// Per-recipient cost of the keyed hash, and of normalize+hash from written forms.
/// Baseline: HMAC-SHA-256, the keyed hash most teams would reach for first.
/// </summary>
public class RecipientHashingBenchmarks
{
    private const int Batch = 1024;
    private readonly byte[] _hmacKey = RandomNumberGenerator.GetBytes(16);
    private readonly RecipientHasher _hasher = new(HashingKey.FromBytes(RandomNumberGenerator.GetBytes(16)));
    private byte[][] _normalizedPhones = [];
    private byte[][] _writtenPhones = [];
    private byte[][] _emails = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _normalizedPhones = new byte[Batch][];
        _writtenPhones = new byte[Batch][];
        _emails = new byte[Batch][];
        for (int i = 0; i < Batch; i++)
        {
            string national = $"5{random.Next(0, 100):D2}{random.Next(0, 10_000_000):D7}";
            _normalizedPhones[i] = Encoding.ASCII.GetBytes("+90" + national);
            _writtenPhones[i] = Encoding.ASCII.GetBytes($"0{national[..3]} {national[3..6]} {national[6..8]} {national[8..]}");
            _emails[i] = Encoding.ASCII.GetBytes($"User.{random.Next():x}@Example{random.Next(0, 1000)}.com.tr");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int HmacSha256_NormalizedPhone()
    {
        Span<byte> mac = stackalloc byte[32];
        int acc = 0;
        foreach (byte[] phone in _normalizedPhones)
        {
            HMACSHA256.HashData(_hmacKey, phone, mac);
            acc ^= mac[0];
        }

        return acc;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public ulong SipHash128_NormalizedPhone()
    {
        ulong acc = 0;
        foreach (byte[] phone in _normalizedPhones)
        {
            acc ^= _hasher.HashNormalized(phone).Lo;
        }

        return acc;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Normalize_WrittenPhone()
    {
        Span<byte> buffer = stackalloc byte[RecipientNormalizer.MaxNormalizedLength];
        int acc = 0;
        foreach (byte[] phone in _writtenPhones)
        {
            RecipientNormalizer.TryNormalize(phone, Channel.Mesaj, buffer, out int written);
            acc += written;
        }

        return acc;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public ulong NormalizeAndHash_WrittenPhone()
    {
        ulong acc = 0;
        foreach (byte[] phone in _writtenPhones)
        {
            _hasher.TryHash(phone, Channel.Mesaj, out var key);
            acc ^= key.Lo;
        }

        return acc;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public ulong NormalizeAndHash_Email()
    {
        ulong acc = 0;
        foreach (byte[] email in _emails)
        {
            _hasher.TryHash(email, Channel.Eposta, out var key);
            acc ^= key.Lo;
        }

        return acc;
    }
}
