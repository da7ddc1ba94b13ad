using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SendGate.Index.Table;

/// <summary>
/// One 16-byte slot of the table.
/// <code>
///  0                8               16
/// +----------------+----------------+
/// | tag (64 bits)  | value (64 bits)|     tag 0 = empty
/// +----------------+----------------+
/// </code>
/// The writer publishes an entry by storing the value, then the tag; an entry's value changes
/// by one aligned 64-bit store. A reader that sees a tag sees a value written for it, never half
/// of one; and no value is 0, so a value read before it was written reads as "absent".
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
internal struct Slot
{
    public ulong Tag;
    public ulong Value;
}

/// <summary>
/// A fixed-size bucketized cuckoo table: buckets of four slots, one 64-byte cache line each;
/// every key has exactly two candidate buckets, so a lookup reads two lines, which a batch
/// fetches ahead, many keys at a time. The first bucket comes from the key's hash, the second
/// from the stored tag by the involution <c>alt(b) = (c(tag) − b) mod n</c>: an entry can be
/// moved to its other bucket knowing only its slot, and the bucket count need not be a power of
/// two (so the table is sized to the byte, not to the next doubling).
/// <para>
/// Moves follow a path found first (breadth-first) and are applied from its free end, so no
/// entry is ever out of the table. Each move bumps the versions of the two buckets' stripes to
/// odd and back to even, and the generation's move epoch likewise. A batch of readers checks
/// the epoch once: unchanged and even means no move overlapped it (the steady state; moves
/// happen only while inserting into full buckets). Otherwise its keys are looked up again one by
/// one, each validated by its two stripe versions. Readers never block and never see a torn or
/// missing entry.
/// </para>
/// The table never resizes (that would need hash bits the slots do not keep); when an entry
/// finds no room, the owning <see cref="GenerationalTable"/> starts a larger generation.
/// </summary>
internal sealed unsafe class Generation : IDisposable
{
    public const int SlotsPerBucket = 4;
    public const int BucketBytes = 64;

    /// <summary>Probe with AVX-512 where the CPU has it; the scalar probe otherwise (tests cover both).</summary>
    internal static readonly bool VectorProbe = Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>Keys ahead whose lines are prefetched: measured best here (~330 ns memory latency, a VM) among 8–32.</summary>
    private const int PrefetchDistance = 16;
    private const int Stripes = 4096; // 16 KiB of versions: stays in L1/L2 for readers
    private const int MaxSearchBuckets = 1024;

    private readonly LargeMemory _memory;
    private readonly uint[] _versions = new uint[Stripes];
    private long _moveEpoch;

    public Generation(uint bucketCount, double maxLoad)
    {
        BucketCount = Math.Max(bucketCount, 16);
        _memory = new LargeMemory((nuint)SizeOf(BucketCount));
        Slots = (Slot*)_memory.Pointer;
        MaxCount = (long)(BucketCount * (double)SlotsPerBucket * maxLoad);
    }

    public uint BucketCount { get; }

    public Slot* Slots { get; }

    /// <summary>Entries stored. Written by the writer only; read by anyone.</summary>
    public long Count { get; set; }

    /// <summary>Entries allowed before the generation counts as full (the load-factor bound).</summary>
    public long MaxCount { get; }

    public long SizeBytes => SizeOf(BucketCount);

    public static long SizeOf(uint bucketCount) => (long)bucketCount * BucketBytes;

    /// <summary>Buckets for a capacity at a load factor.</summary>
    public static uint BucketsFor(long capacity, double maxLoad) =>
        (uint)Math.Clamp((long)Math.Ceiling(capacity / (SlotsPerBucket * maxLoad)), 16, int.MaxValue);

    /// <summary>The first candidate bucket: multiply-shift range reduction of the hash's high 32 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Primary(ulong hash) => (uint)(((hash >> 32) * BucketCount) >> 32);

    /// <summary>The other candidate bucket of an entry with <paramref name="tag"/> in <paramref name="bucket"/> (an involution).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Alternate(uint bucket, ulong tag)
    {
        uint c = (uint)(((tag >> 32) * BucketCount) >> 32);
        uint d = c - bucket;
        return c >= bucket ? d : d + BucketCount;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Slot* Bucket(uint bucket) => Slots + ((nuint)bucket * SlotsPerBucket);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(uint bucket)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Bucket(bucket));
        }
    }

    /// <summary>A reader's lookup of one key: the value stored under <paramref name="tag"/>, or 0. Never blocks; retries only across a concurrent move of these buckets.</summary>
    public ulong Find(uint first, uint second, ulong tag)
    {
        ref uint v1 = ref Stripe(first);
        ref uint v2 = ref Stripe(second);
        while (true)
        {
            uint before1 = Volatile.Read(ref v1);
            uint before2 = Volatile.Read(ref v2);
            ulong value = Probe(Bucket(first), tag) | Probe(Bucket(second), tag);
            if (((before1 | before2) & 1) == 0 && Volatile.Read(ref v1) == before1 && Volatile.Read(ref v2) == before2)
            {
                return value;
            }

            Thread.SpinWait(1);
        }
    }

    /// <summary>
    /// A reader's batch lookup: while key i is probed, both lines of key i +
    /// <see cref="PrefetchDistance"/> are on their way, so the misses of many keys overlap. The
    /// probe does not branch on whether the key is there (unpredictable, and a mispredicted
    /// branch also discards the loads in flight behind it).
    /// </summary>
    public void FindBatch(ulong* tags, uint* first, uint* second, ulong* values, int n)
    {
        long epoch = Volatile.Read(ref _moveEpoch);
        for (int i = -PrefetchDistance; i < n; i++)
        {
            int ahead = i + PrefetchDistance;
            if (ahead < n)
            {
                Prefetch(first[ahead]);
                Prefetch(second[ahead]);
            }

            if (i >= 0)
            {
                values[i] = Probe(Bucket(first[i]), tags[i]) | Probe(Bucket(second[i]), tags[i]);
            }
        }

        if ((epoch & 1) != 0 || Volatile.Read(ref _moveEpoch) != epoch)
        {
            // A move overlapped the batch: look each key up again, validated on its own.
            for (int i = 0; i < n; i++)
            {
                values[i] = Find(first[i], second[i], tags[i]);
            }
        }
    }

    /// <summary>The writer's lookup: the slot holding <paramref name="tag"/>, or null.</summary>
    public Slot* FindSlot(uint first, uint second, ulong tag)
    {
        Slot* slot = SlotIn(Bucket(first), tag);
        return slot is not null ? slot : SlotIn(Bucket(second), tag);
    }

    /// <summary>
    /// The writer's insert of a new entry: into a free slot of either candidate bucket, moving
    /// other entries along a cuckoo path if need be. False when there is no room (the
    /// generation is full); nothing has changed then.
    /// </summary>
    public bool TryInsert(uint first, uint second, ulong tag, ulong value) => TryInsert(first, second, tag, value, allowMove: true) == InsertOutcome.Inserted;

    /// <summary>
    /// The writer's insert, as <see cref="TryInsert(uint, uint, ulong, ulong)"/>; without <paramref name="allowMove"/>
    /// (a snapshot is copying the table) an insert that would move entries is not made and says so.
    /// </summary>
    public InsertOutcome TryInsert(uint first, uint second, ulong tag, ulong value, bool allowMove)
    {
        if (Count >= MaxCount)
        {
            return InsertOutcome.Full;
        }

        Slot* free = SlotIn(Bucket(first), 0);
        if (free is null)
        {
            free = SlotIn(Bucket(second), 0);
        }

        if (free is null)
        {
            if (!allowMove)
            {
                return InsertOutcome.NeedsMove;
            }

            free = MakeRoom(first, second);
            if (free is null)
            {
                return InsertOutcome.Full;
            }
        }

        free->Value = value;
        Volatile.Write(ref free->Tag, tag);
        Count++;
        return InsertOutcome.Inserted;
    }

    /// <summary>Moves one entry to its other bucket when that has room (tests drive continuous moves with it).</summary>
    internal bool TryRelocate(uint bucket, int slotIndex)
    {
        Slot* source = Bucket(bucket) + slotIndex;
        if (source->Tag == 0)
        {
            return false;
        }

        uint to = Alternate(bucket, source->Tag);
        Slot* free = to == bucket ? null : SlotIn(Bucket(to), 0);
        if (free is null)
        {
            return false;
        }

        Span<(uint Bucket, int Parent, int Slot)> path = [(bucket, -1, -1), (to, 0, slotIndex)];
        MoveAlong(path, 1, free);
        return true;
    }

    /// <summary>The raw bytes (for snapshots).</summary>
    public Span<byte> AsBytes(long offset, int length) => new((byte*)Slots + offset, length);

    public void Dispose() => _memory.Dispose();

    /// <summary>One bucket: the value under <paramref name="tag"/>, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Probe(Slot* bucket, ulong tag) => VectorProbe ? ProbeVector(bucket, tag) : ProbeScalar(bucket, tag);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ProbeScalar(Slot* bucket, ulong tag)
    {
        for (int s = 0; s < SlotsPerBucket; s++)
        {
            if (Volatile.Read(ref bucket[s].Tag) == tag)
            {
                return Volatile.Read(ref bucket[s].Value);
            }
        }

        return 0;
    }

    /// <summary>
    /// The bucket as one 64-byte vector [t0 v0 t1 v1 t2 v2 t3 v3]: compare every lane with the
    /// tag, keep the tag lanes, and read the value lane after the first match; with no match the
    /// read lands on slot 0's value and is masked to 0. Selects are arithmetic, not branches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ProbeVector(Slot* bucket, ulong tag)
    {
        uint matches = (uint)Vector512.Equals(Vector512.LoadAligned((ulong*)bucket), Vector512.Create(tag)).ExtractMostSignificantBits() & 0x55;
        int lane = BitOperations.TrailingZeroCount(matches | 0x100) & 7; // 0 when none
        ulong value = Volatile.Read(ref ((ulong*)bucket)[lane + 1]);
        ulong found = (matches + 0xFFu) >> 8;
        return value & (0UL - found);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref uint Stripe(uint bucket) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_versions), (int)(bucket & (Stripes - 1)));

    private static Slot* SlotIn(Slot* bucket, ulong tag)
    {
        for (int s = 0; s < SlotsPerBucket; s++)
        {
            if (bucket[s].Tag == tag)
            {
                return bucket + s;
            }
        }

        return null;
    }

    /// <summary>
    /// Breadth-first search from the two candidate buckets for a bucket with a free slot, then
    /// moves the entries along the path, last first, each into the slot its successor freed.
    /// Returns the slot freed in a candidate bucket, or null when none was found.
    /// </summary>
    private Slot* MakeRoom(uint first, uint second)
    {
        // Each node: a bucket, and how it was reached (parent node, slot of the parent whose entry would move here).
        Span<(uint Bucket, int Parent, int Slot)> nodes = stackalloc (uint, int, int)[MaxSearchBuckets];
        nodes[0] = (first, -1, -1);
        nodes[1] = (second, -1, -1);
        int count = 2;
        for (int head = 0; head < count; head++)
        {
            Slot* bucket = Bucket(nodes[head].Bucket);
            for (int s = 0; s < SlotsPerBucket && count < MaxSearchBuckets; s++)
            {
                uint next = Alternate(nodes[head].Bucket, bucket[s].Tag);
                Slot* free = SlotIn(Bucket(next), 0);
                nodes[count++] = (next, head, s);
                if (free is not null)
                {
                    return MoveAlong(nodes, count - 1, free);
                }
            }
        }

        return null;
    }

    private Slot* MoveAlong(Span<(uint Bucket, int Parent, int Slot)> nodes, int node, Slot* free)
    {
        // Walk back to a candidate bucket: each step moves the parent's entry into the free slot.
        while (nodes[node].Parent >= 0)
        {
            var (to, parent, slotIndex) = nodes[node];
            uint from = nodes[parent].Bucket;
            Slot* source = Bucket(from) + slotIndex;
            ref uint stripeFrom = ref Stripe(from);
            ref uint stripeTo = ref Stripe(to);
            bool sameStripe = Unsafe.AreSame(ref stripeFrom, ref stripeTo);
            Interlocked.Increment(ref _moveEpoch);
            Interlocked.Increment(ref stripeFrom);
            if (!sameStripe)
            {
                Interlocked.Increment(ref stripeTo);
            }

            free->Value = source->Value;
            Volatile.Write(ref free->Tag, source->Tag);
            Volatile.Write(ref source->Tag, 0UL);

            Interlocked.Increment(ref stripeFrom);
            if (!sameStripe)
            {
                Interlocked.Increment(ref stripeTo);
            }

            Interlocked.Increment(ref _moveEpoch);
            free = source;
            node = parent;
        }

        return free;
    }
}
