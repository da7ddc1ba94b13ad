using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Index.Table;

namespace SendGate.Index;

/// <summary>What the index holds for one key: the record's packed state and the recipient's line closure.</summary>
public readonly record struct ConsentLookup(ConsentState State, ConsentTime LineClosedAt);

public sealed class ConsentIndexOptions
{
    /// <summary>Tuples to size the table for: sizing right keeps one generation (one probe per lookup).</summary>
    public long ExpectedTuples { get; set; } = 1 << 20;

    public long ExpectedClosures { get; set; } = 1 << 16;

    /// <summary>Slots filled before a generation counts as full: 0.9 gives 17.8 bytes per tuple.</summary>
    public double MaxLoadFactor { get; set; } = 0.9;
}

/// <summary>
/// The hot consent index: for every (brand, channel, recipient type, recipient key) the packed
/// <see cref="ConsentState"/>, and for every recipient its line-closure time; 16 bytes a slot,
/// ~17.8 bytes a tuple at the default load. Readers never block and never see a torn entry; one
/// writer (the feed) applies changes concurrently with them, by the Core rules
/// (<see cref="ConsentState.Newest"/>, <see cref="LineClosureRule.Newest"/>).
/// Metadata only Explain needs (source, transaction id) is not here; retailer rules, which decide requests on
/// behalf of a retailer, are beside it in <see cref="Retailers"/>.
/// </summary>
public sealed class ConsentIndex : IDisposable
{
    private const int Chunk = 512;
    private static readonly Func<ulong, ulong, ulong> NewestState = static (current, incoming) => ConsentState.Newest(new(current), new(incoming)).Bits;
    private static readonly Func<ulong, ulong, ulong> NewestClosure = static (current, incoming) => LineClosureRule.Newest(new((uint)current), new((uint)incoming)).Seconds;

    private readonly GenerationalTable _consents;
    private readonly GenerationalTable _closures;
    private long _version;

    public ConsentIndex(ConsentIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.MaxLoadFactor, 0.1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxLoadFactor, 0.97);
        _consents = new GenerationalTable(Math.Max(options.ExpectedTuples, 1024), options.MaxLoadFactor);
        _closures = new GenerationalTable(Math.Max(options.ExpectedClosures, 1024), options.MaxLoadFactor);
        Retailers = new RetailerTable();
    }

    internal ConsentIndex(GenerationalTable consents, GenerationalTable closures, long version, RetailerTable retailers)
    {
        _consents = consents;
        _closures = closures;
        _version = version;
        Retailers = retailers;
    }

    /// <summary>The retailer rules of the tuples whose consent has one.</summary>
    public RetailerTable Retailers { get; }

    /// <summary>Consent tuples held.</summary>
    public long Count => _consents.Count;

    public long ClosureCount => _closures.Count;

    /// <summary>Changes applied since the index was created (snapshots carry it on).</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>Bytes of table memory (both tables, all generations).</summary>
    public long SizeBytes => _consents.SizeBytes + _closures.SizeBytes;

    public int Generations => _consents.Generations.Count;

    internal GenerationalTable Consents => _consents;

    internal GenerationalTable Closures => _closures;

    /// <summary>Writer: applies a record's state by the newest-wins rule. True when the stored state changed.</summary>
    public bool Apply(in ConsentKey key, ConsentState incoming)
    {
        if (incoming.IsNone)
        {
            return false;
        }

        bool changed = _consents.Upsert(IndexHashing.Tag(key), IndexHashing.Hash(key), incoming.Bits, NewestState);
        if (changed)
        {
            Interlocked.Increment(ref _version);
        }

        return changed;
    }

    /// <summary>Writer: a hint that <paramref name="key"/> is about to be applied (<see cref="GenerationalTable.Prefetch"/>).</summary>
    public void Prefetch(in ConsentKey key) => _consents.Prefetch(IndexHashing.Tag(key), IndexHashing.Hash(key));

    /// <summary>Writer: a hint that a closure of <paramref name="recipient"/> is about to be applied.</summary>
    public void PrefetchClosure(RecipientKey recipient) => _closures.Prefetch(IndexHashing.ClosureTag(recipient), IndexHashing.ClosureHash(recipient));

    /// <summary>Writer: records a line closure (the latest one stands).</summary>
    public bool ApplyClosure(RecipientKey recipient, ConsentTime closedAt)
    {
        if (closedAt.IsNone)
        {
            return false;
        }

        bool changed = _closures.Upsert(IndexHashing.ClosureTag(recipient), IndexHashing.ClosureHash(recipient), closedAt.Seconds, NewestClosure);
        if (changed)
        {
            Interlocked.Increment(ref _version);
        }

        return changed;
    }

    /// <summary>The tuple's packed state alone (what the writer compares against), or none.</summary>
    public ConsentState StateOf(in ConsentKey key) => new(_consents.Find(IndexHashing.Tag(key), IndexHashing.Hash(key)));

    public ConsentLookup Lookup(in ConsentKey key) => new(StateOf(key), ClosureOf(key.Recipient));

    /// <summary>The recipient's line-closure time, or none.</summary>
    public ConsentTime ClosureOf(RecipientKey recipient) =>
        _closures.Count == 0 ? ConsentTime.None : new ConsentTime((uint)_closures.Find(IndexHashing.ClosureTag(recipient), IndexHashing.ClosureHash(recipient)));

    public void Lookup(ReadOnlySpan<ConsentKey> keys, Span<ConsentLookup> results)
    {
        if (results.Length < keys.Length)
        {
            throw new ArgumentException("results must be at least as long as keys", nameof(results));
        }

        Span<ulong> values = stackalloc ulong[Chunk];
        bool closures = _closures.Count != 0;
        for (int start = 0; start < keys.Length; start += Chunk)
        {
            var chunk = keys.Slice(start, Math.Min(Chunk, keys.Length - start));
            var output = results.Slice(start, chunk.Length);
            _consents.FindBatch<ConsentKey, ConsentProjection>(chunk, values);
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = new ConsentLookup(new ConsentState(values[i]), ConsentTime.None);
            }

            if (closures)
            {
                _closures.FindBatch<ConsentKey, ClosureProjection>(chunk, values);
                for (int i = 0; i < output.Length; i++)
                {
                    output[i] = output[i] with { LineClosedAt = new ConsentTime((uint)values[i]) };
                }
            }
        }
    }

    public void Dispose()
    {
        _consents.Dispose();
        _closures.Dispose();
    }

    private readonly struct ConsentProjection : IKeyProjection<ConsentKey>
    {
        public static ulong Tag(in ConsentKey key) => IndexHashing.Tag(key);

        public static ulong Hash(in ConsentKey key) => IndexHashing.Hash(key);
    }

    private readonly struct ClosureProjection : IKeyProjection<ConsentKey>
    {
        public static ulong Tag(in ConsentKey key) => IndexHashing.ClosureTag(key.Recipient);

        public static ulong Hash(in ConsentKey key) => IndexHashing.ClosureHash(key.Recipient);
    }
}
