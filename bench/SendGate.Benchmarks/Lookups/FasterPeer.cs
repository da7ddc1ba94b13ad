using System.Numerics;
using System.Runtime.InteropServices;
using FASTER.core;
using SendGate.Core.Consent;

namespace SendGate.Benchmarks.Lookups;

/// <summary>
/// The same tuples in Microsoft.FASTER.Core, configured the way FASTER is fastest: blittable
/// 24-byte keys and 8-byte values, the whole log in memory (a null device behind it), a hash
/// index of one bucket per four keys, reads through the session's unsafe context (no epoch
/// entry per operation). FASTER has no batch read: one <c>Read</c> per key.
/// </summary>
internal sealed class FasterPeer : IDisposable
{
    private readonly FasterKV<TupleKey, long> _kv;
    private readonly ClientSession<TupleKey, long, long, long, Empty, SimpleFunctions<TupleKey, long>> _session;
    private readonly TupleKey[] _queries;

    public FasterPeer(LookupWorkload workload)
    {
        long buckets = (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(workload.Tuples / 4, 1024));
        long recordBytes = 8 + Marshal.SizeOf<TupleKey>() + sizeof(long); // record header, key, value
        const long PageBytes = 1L << 25;
        long memory = (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(workload.Tuples * recordBytes * 5 / 4, 4 * PageBytes));
        _kv = new FasterKV<TupleKey, long>(new FasterKVSettings<TupleKey, long>
        {
            IndexSize = buckets * 64,
            LogDevice = new NullDevice(),
            PageSize = PageBytes,
            MemorySize = memory,
            EqualityComparer = new TupleKeyComparer(),
        });
        _session = _kv.For(new SimpleFunctions<TupleKey, long>()).NewSession<SimpleFunctions<TupleKey, long>>();
        _queries = [.. workload.Queries.Select(TupleKey.From)];
        Load(workload.Tuples);
    }

    /// <summary>The hash index plus the log pages in memory.</summary>
    public long Bytes => _kv.IndexSize * 64 + _kv.OverflowBucketCount * 64 + _kv.Log.MemorySizeBytes;

    public long Lookup()
    {
        long found = 0;
        var context = _session.UnsafeContext;
        context.BeginUnsafe();
        try
        {
            foreach (ref var key in _queries.AsSpan())
            {
                long value = 0;
                var status = context.Read(ref key, ref value);
                if (status.IsPending)
                {
                    throw new InvalidOperationException("A FASTER read went to the device: the log must be sized to stay in memory.");
                }

                found += status.Found ? 1 : 0;
            }
        }
        finally
        {
            context.EndUnsafe();
        }

        return found;
    }

    public void Dispose()
    {
        _session.Dispose();
        _kv.Dispose();
    }

    private void Load(long tuples)
    {
        var context = _session.UnsafeContext;
        context.BeginUnsafe();
        try
        {
            for (long i = 0; i < tuples; i++)
            {
                var key = TupleKey.From(LookupWorkload.Tuple(i));
                long value = 1 + i;
                context.Upsert(ref key, ref value);
            }
        }
        finally
        {
            context.EndUnsafe();
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    internal readonly struct TupleKey(ulong lo, ulong hi, uint brand, ushort channelAndType)
    {
        public readonly ulong Lo = lo;
        public readonly ulong Hi = hi;
        public readonly uint Brand = brand;
        public readonly ushort ChannelAndType = channelAndType;

        public static TupleKey From(ConsentKey key) =>
            new(key.Recipient.Lo, key.Recipient.Hi, key.BrandCode, (ushort)(((int)key.Channel << 8) | (int)key.RecipientType));
    }

    private sealed class TupleKeyComparer : IFasterEqualityComparer<TupleKey>
    {
        public bool Equals(ref TupleKey k1, ref TupleKey k2) =>
            k1.Lo == k2.Lo && k1.Hi == k2.Hi && k1.Brand == k2.Brand && k1.ChannelAndType == k2.ChannelAndType;

        // The recipient part is already a keyed hash: mixing in the rest is enough.
        public long GetHashCode64(ref TupleKey k) =>
            (long)(k.Lo ^ BitOperations.RotateLeft(k.Hi, 17) ^ ((ulong)k.Brand * 0x9E3779B97F4A7C15UL) ^ ((ulong)k.ChannelAndType << 40));
    }
}
