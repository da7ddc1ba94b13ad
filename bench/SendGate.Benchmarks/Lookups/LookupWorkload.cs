using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Benchmarks.Lookups;

/// <summary>
/// The data every lookup benchmark shares, regenerated identically in every benchmark process
/// (BenchmarkDotNet runs each case in its own): <see cref="Tuples"/> tuples spread uniformly over
/// 60 partitions (10 brands × 3 channels × 2 recipient types), and queries in batches of 1,000
/// that share one partition — the shape of a Check request — half present, half absent, shuffled.
/// Tuple <c>i</c> is a pure function of <c>i</c>, so stores load in any order and a present query
/// is drawn by index without keeping the tuples.
/// </summary>
internal sealed class LookupWorkload
{
    public const int BatchSize = 1000;
    public const int Partitions = 60;
    private const ulong TupleStream = 0x5EED_0000_0000_0001;
    private const ulong AbsentStream = 0x5EED_0000_0000_0002;

    private LookupWorkload(long tuples, ConsentKey[] queries, int present)
    {
        Tuples = tuples;
        Queries = queries;
        Present = present;
    }

    public long Tuples { get; }

    /// <summary>Batch <c>b</c> is <c>Queries[b × 1000 ..]</c>; every key of a batch has the same partition.</summary>
    public ConsentKey[] Queries { get; }

    /// <summary>How many queries are of stored tuples: a peer that answers right finds exactly these.</summary>
    public int Present { get; }

    public int BatchCount => (Queries.Length + BatchSize - 1) / BatchSize;

    public ReadOnlySpan<ConsentKey> Batch(int batch)
    {
        int start = batch * BatchSize;
        return Queries.AsSpan(start, Math.Min(BatchSize, Queries.Length - start));
    }

    public static LookupWorkload Create(long tuples, int queryCount)
    {
        var random = new Random(20261122);
        var queries = new ConsentKey[queryCount];
        int present = 0;
        for (int start = 0; start < queryCount; start += BatchSize)
        {
            int partition = random.Next(Partitions);
            var batch = queries.AsSpan(start, Math.Min(BatchSize, queryCount - start));
            for (int i = 0; i < batch.Length; i++)
            {
                if (i % 2 == 0)
                {
                    batch[i] = Key(partition, Recipient(DrawFrom(partition, tuples, random)));
                    present++;
                }
                else
                {
                    // A fresh 128-bit key from another stream: absent but for a 2^-128 accident.
                    batch[i] = Key(partition, new RecipientKey(Mix(AbsentStream, (ulong)random.NextInt64()), Mix(AbsentStream + 1, (ulong)random.NextInt64())));
                }
            }

            random.Shuffle(batch);
        }

        return new LookupWorkload(tuples, queries, present);
    }

    public static int PartitionOf(long tuple) => (int)(Mix(TupleStream, (ulong)tuple) % Partitions);

    public static RecipientKey Recipient(long tuple) => new(Mix(TupleStream + 1, (ulong)tuple), Mix(TupleStream + 2, (ulong)tuple));

    public static ConsentKey Tuple(long tuple) => Key(PartitionOf(tuple), Recipient(tuple));

    public static ConsentKey Key(int partition, RecipientKey recipient) =>
        new(100_000 + (uint)(partition / 6), (Channel)(1 + (partition / 2 % 3)), partition % 2 == 0 ? RecipientType.Bireysel : RecipientType.Tacir, recipient);

    /// <summary>The partition number of a key made by <see cref="Key"/>.</summary>
    public static int PartitionOf(in ConsentKey key) =>
        (int)(key.BrandCode - 100_000) * 6 + ((int)key.Channel - 1) * 2 + (key.RecipientType == RecipientType.Bireysel ? 0 : 1);

    /// <summary>A uniformly random stored tuple of the partition (rejection sampling: ~60 draws).</summary>
    private static long DrawFrom(int partition, long tuples, Random random)
    {
        while (true)
        {
            long candidate = random.NextInt64(tuples);
            if (PartitionOf(candidate) == partition)
            {
                return candidate;
            }
        }
    }

    /// <summary>SplitMix64's finalizer over stream + index: a bijection, so distinct indexes give distinct values.</summary>
    private static ulong Mix(ulong stream, ulong index)
    {
        ulong z = index * 0x9E3779B97F4A7C15UL + stream;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
