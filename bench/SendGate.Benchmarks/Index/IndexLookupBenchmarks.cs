using BenchmarkDotNet.Attributes;
using SendGate.Benchmarks.Infrastructure;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Index;

namespace SendGate.Benchmarks.Index;

/// <summary>
/// Batched index lookups on uniform random keys, half of them present, at 10^6–10^8 tuples.
/// Baseline: the same index, one key at a time (each lookup a dependent cache miss), so the
/// ratio is what overlapping the memory accesses buys.
/// </summary>
public class IndexLookupBenchmarks
{
    private const int Queries = 1 << 20;
    private const int Batch = 1000;
    private ConsentIndex _index = null!;
    private ConsentKey[] _queries = [];
    private ConsentLookup[] _results = [];

    [ParamsSource(nameof(Sizes))]
    public long Tuples { get; set; }

    public static IEnumerable<long> Sizes => BenchSizes.Tuples;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261122);
        _index = new ConsentIndex(new ConsentIndexOptions { ExpectedTuples = Tuples });
        var stored = new ConsentKey[Math.Min(Tuples, Queries)];
        for (long i = 0; i < Tuples; i++)
        {
            var key = RandomKey(random);
            _index.Apply(key, ConsentState.Create(ConsentStatus.Onay, new ConsentTime(400_000_000), new ConsentTime(400_000_000)));
            if (i < stored.Length)
            {
                stored[i] = key;
            }
        }

        // Half present (a random stored key), half absent (fresh random keys), shuffled.
        _queries = new ConsentKey[Queries];
        for (int i = 0; i < Queries; i++)
        {
            _queries[i] = i % 2 == 0 ? stored[random.Next(stored.Length)] : RandomKey(random);
        }

        random.Shuffle(_queries);
        _results = new ConsentLookup[Batch];
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Queries)]
    public long OneAtATime()
    {
        long found = 0;
        foreach (ref readonly var key in _queries.AsSpan())
        {
            found += _index.Lookup(key).State.IsNone ? 0 : 1;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Queries)]
    public long Batched()
    {
        long found = 0;
        for (int start = 0; start < Queries; start += Batch)
        {
            int count = Math.Min(Batch, Queries - start);
            _index.Lookup(_queries.AsSpan(start, count), _results);
            foreach (var result in _results.AsSpan(0, count))
            {
                found += result.State.IsNone ? 0 : 1;
            }
        }

        return found;
    }

    private static ConsentKey RandomKey(Random random) =>
        new((uint)random.Next(100_000, 100_010), (Channel)random.Next(1, 4), random.Next(2) == 0 ? RecipientType.Bireysel : RecipientType.Tacir,
            new RecipientKey((ulong)random.NextInt64(), (ulong)random.NextInt64()));
}
