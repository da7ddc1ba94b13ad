using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace SendGate.Index.Table;

/// <summary>How a key of a batch becomes the table's (tag, hash); static so the pipeline inlines it.</summary>
internal interface IKeyProjection<TKey>
{
    static abstract ulong Tag(in TKey key);

    static abstract ulong Hash(in TKey key);
}

/// <summary>
/// A map from (tag, hash) to a non-zero 64-bit value made of fixed-size
/// <see cref="Generation"/>s, oldest first. New entries go to the newest generation; when it is
/// full, a larger one is added (twice what the table holds) and the older ones stay as they are,
/// so the newest is also the largest and holds most keys: lookups probe it first (pipelined, in
/// batches) and the older ones only for what it lacks. A key lives in one generation only (an
/// update finds it where it is). Sized right at start (the loaders know how much they will load)
/// there is one generation; growth beyond it costs absent keys one more two-line probe per
/// generation, instead of a stop-the-world rehash.
/// One writer at a time; readers never block and run concurrently with it.
/// </summary>
internal sealed unsafe class GenerationalTable : IDisposable
{
    private const int Chunk = 256;

    /// <summary>Entries the stash takes before an insert that would move entries waits for the copy to end (~3 MiB).</summary>
    private const int StashLimit = 48 * 1024;

    private readonly double _maxLoad;
    private readonly MoveGate _moves = new();
    private Generation[] _generations;
    /// <summary>
    /// Where an insert that needs a cuckoo move goes while a snapshot copies the table, instead of waiting: readers
    /// look here for what the generations lack; the writer moves the entries into the table once the copy is over,
    /// then drops the map whole (it never removes an entry from it).
    /// </summary>
    private ConcurrentDictionary<(ulong Tag, ulong Hash), ulong>? _stash;

    public GenerationalTable(long capacity, double maxLoad)
        : this([new Generation(Generation.BucketsFor(capacity, maxLoad), maxLoad)], maxLoad)
    {
    }

    internal GenerationalTable(Generation[] generations, double maxLoad)
    {
        _maxLoad = maxLoad;
        _generations = generations;
        Count = generations.Sum(g => g.Count);
    }

    public long Count { get; private set; }

    public IReadOnlyList<Generation> Generations => Volatile.Read(ref _generations);

    public long SizeBytes => Generations.Sum(g => g.SizeBytes);

    public double MaxLoad => _maxLoad;

    /// <summary>Closed by a snapshot while it copies the table (<see cref="MoveGate"/>).</summary>
    internal MoveGate Moves => _moves;

    /// <summary>Entries inserted during a snapshot's copy and not yet moved into the table.</summary>
    internal int Stashed => Volatile.Read(ref _stash)?.Count ?? 0;

    /// <summary>
    /// Writer, at a snapshot's position: moves what an earlier copy stashed into the table (the snapshot must hold it)
    /// and closes the move gate until <see cref="EndSnapshot"/>.
    /// </summary>
    internal void BeginSnapshot()
    {
        DrainStash();
        _moves.Close();
    }

    /// <summary>The copy is over: the writer may move entries again, and drains the stash at its next change.</summary>
    internal void EndSnapshot() => _moves.Open();

    public ulong Find(ulong tag, ulong hash)
    {
        var stash = Volatile.Read(ref _stash); // before the generations: a stash dropped after its entries moved in is then not missed
        var generations = Volatile.Read(ref _generations);
        for (int g = generations.Length - 1; g >= 0; g--)
        {
            var generation = generations[g];
            uint first = generation.Primary(hash);
            ulong value = generation.Find(first, generation.Alternate(first, tag), tag);
            if (value != 0)
            {
                return value;
            }
        }

        return stash is not null && stash.TryGetValue((tag, hash), out ulong stashed) ? stashed : 0;
    }

    /// <summary>
    /// Looks up a batch, overlapping the memory accesses of many keys (see
    /// <see cref="Generation.FindBatch"/>). <typeparamref name="TProjection"/> says how a key
    /// becomes (tag, hash), inlined.
    /// </summary>
    public void FindBatch<TKey, TProjection>(ReadOnlySpan<TKey> keys, Span<ulong> values)
        where TProjection : IKeyProjection<TKey>
    {
        var stash = Volatile.Read(ref _stash);
        var generations = Volatile.Read(ref _generations);
        FindBatch<TKey, TProjection>(generations[^1], keys, values, onlyMissing: false);
        for (int g = generations.Length - 2; g >= 0; g--)
        {
            FindBatch<TKey, TProjection>(generations[g], keys, values, onlyMissing: true);
        }

        if (stash is not null)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                if (values[i] == 0)
                {
                    values[i] = stash.GetValueOrDefault((TProjection.Tag(keys[i]), TProjection.Hash(keys[i])));
                }
            }
        }
    }

    /// <summary>
    /// A hint that (tag, hash) is about to be updated: its two candidate buckets of the newest generation — where
    /// nearly every key lives — start on their way to the cache, so a writer that hints a few keys ahead overlaps
    /// their misses instead of waiting on each.
    /// </summary>
    public void Prefetch(ulong tag, ulong hash)
    {
        var newest = _generations[^1];
        uint first = newest.Primary(hash);
        newest.Prefetch(first);
        newest.Prefetch(newest.Alternate(first, tag));
    }

    /// <summary>The writer's update: stores <paramref name="merge"/>(current, value), or inserts. True when the stored value changed.</summary>
    public bool Upsert(ulong tag, ulong hash, ulong value, Func<ulong, ulong, ulong> merge)
    {
        if (_stash is not null && _moves.IsOpen)
        {
            DrainStash(); // a snapshot's copy is over: what it stashed goes into the table
        }

        var generations = _generations;
        for (int g = generations.Length - 1; g >= 0; g--)
        {
            var generation = generations[g];
            uint first = generation.Primary(hash);
            Slot* slot = generation.FindSlot(first, generation.Alternate(first, tag), tag);
            if (slot is not null)
            {
                ulong merged = merge(slot->Value, value);
                if (merged == slot->Value)
                {
                    return false;
                }

                Volatile.Write(ref slot->Value, merged);
                return true;
            }
        }

        if (_stash is { } stash && stash.TryGetValue((tag, hash), out ulong stashed))
        {
            ulong merged = merge(stashed, value);
            if (merged == stashed)
            {
                return false;
            }

            stash[(tag, hash)] = merged;
            return true;
        }

        Insert(tag, hash, value, stashIfMoving: true);
        Count++;
        return true;
    }

    public void Dispose()
    {
        foreach (var generation in _generations)
        {
            generation.Dispose();
        }

        _moves.Dispose();
    }

    /// <summary>Per chunk: one tight loop computes every key's tag and candidate buckets, then the generation's pipelined probe.</summary>
    private static void FindBatch<TKey, TProjection>(Generation generation, ReadOnlySpan<TKey> keys, Span<ulong> values, bool onlyMissing)
        where TProjection : IKeyProjection<TKey>
    {
        ulong* tags = stackalloc ulong[Chunk];
        uint* first = stackalloc uint[Chunk];
        uint* second = stackalloc uint[Chunk];
        fixed (ulong* output = values)
        {
            for (int start = 0; start < keys.Length; start += Chunk)
            {
                int n = Math.Min(Chunk, keys.Length - start);
                var chunk = keys.Slice(start, n);
                for (int i = 0; i < n; i++)
                {
                    ulong tag = TProjection.Tag(chunk[i]);
                    uint a = generation.Primary(TProjection.Hash(chunk[i]));
                    tags[i] = tag;
                    first[i] = a;
                    second[i] = generation.Alternate(a, tag);
                }

                if (onlyMissing)
                {
                    // An older, smaller generation (only after growth): only the keys the newer ones lacked.
                    for (int i = 0; i < n; i++)
                    {
                        if (output[start + i] == 0)
                        {
                            output[start + i] = generation.Find(first[i], second[i], tags[i]);
                        }
                    }
                }
                else
                {
                    generation.FindBatch(tags, first, second, output + start, n);
                }
            }
        }
    }

    /// <summary>Writer: a new entry into the newest generation (a larger one added when it is full), or into the stash when it would move entries while a snapshot copies the table.</summary>
    private void Insert(ulong tag, ulong hash, ulong value, bool stashIfMoving)
    {
        var newest = _generations[^1];
        uint home = newest.Primary(hash);
        var outcome = newest.TryInsert(home, newest.Alternate(home, tag), tag, value, allowMove: _moves.IsOpen);
        if (outcome == InsertOutcome.NeedsMove)
        {
            if (stashIfMoving && TryStash(tag, hash, value))
            {
                return;
            }

            _moves.PassBeforeMoving(); // the stash is full (or being drained): wait for the copy to end
            outcome = newest.TryInsert(home, newest.Alternate(home, tag), tag, value, allowMove: true);
        }

        if (outcome == InsertOutcome.Full)
        {
            newest = Grow();
            home = newest.Primary(hash);
            if (!newest.TryInsert(home, newest.Alternate(home, tag), tag, value))
            {
                throw new InvalidOperationException("A new, empty generation refused an entry.");
            }
        }
    }

    /// <summary>Writer: a new entry into the stash (made when the first is needed); false when it is full.</summary>
    private bool TryStash(ulong tag, ulong hash, ulong value)
    {
        if (_stash is not { } stash)
        {
            stash = new ConcurrentDictionary<(ulong Tag, ulong Hash), ulong>(concurrencyLevel: 1, capacity: 1024);
            Volatile.Write(ref _stash, stash);
        }

        return stash.Count < StashLimit && stash.TryAdd((tag, hash), value);
    }

    /// <summary>
    /// Writer, moves allowed: every stashed entry into the table, then the stash dropped — in that order, so that a
    /// reader, which takes the stash before it probes the generations, finds each entry in one or the other.
    /// </summary>
    private void DrainStash()
    {
        if (_stash is not { } stash)
        {
            return;
        }

        foreach (var ((tag, hash), value) in stash)
        {
            Insert(tag, hash, value, stashIfMoving: false);
        }

        Volatile.Write(ref _stash, null);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Generation Grow()
    {
        long capacity = Math.Max(Count * 2, 1024);
        var next = new Generation(Generation.BucketsFor(capacity, _maxLoad), _maxLoad);
        Volatile.Write(ref _generations, [.. _generations, next]);
        return next;
    }
}
