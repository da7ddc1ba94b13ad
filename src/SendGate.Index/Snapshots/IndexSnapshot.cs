using System.Buffers.Binary;
using System.Diagnostics;
using SendGate.Core.Hashing;
using SendGate.Index.Table;

namespace SendGate.Index.Snapshots;

/// <summary>What a snapshot holds besides the tables: where the feed was, and how big it is.</summary>
public sealed record SnapshotInfo(string Path, long Bytes, long Tuples, long Closures, long IndexVersion, uint HashingKeyId, byte[] Position, DateTimeOffset Created, TimeSpan Elapsed)
{
    /// <summary>Written while the feed went on (<see cref="IndexSnapshot.Begin"/>): how long its writer waited for the copy, to move an entry.</summary>
    public TimeSpan WriterWaited { get; init; }

    public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / Elapsed.TotalSeconds : 0;
}

/// <summary>Why a snapshot was refused: it is never half-loaded.</summary>
public sealed class SnapshotException : Exception
{
    public SnapshotException(string message)
        : base(message)
    {
    }

    public SnapshotException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public SnapshotException()
    {
    }
}

/// <summary>
/// Writes the hot index to one file and loads it back at sequential-I/O speed: the table
/// generations are copied as they are in memory, with no per-entry work. Layout (little-endian):
/// <code>
/// header  (a multiple of 4 KiB)
///   0  "SGSNAP01"        8  format version (1)     12 hashing key id
///  16  created, unix ms  24  index version          32 max load factor (double)
///  40  consent generations (G1)  44 closure generations (G2)  48 position length (P)  52 header length
///  56  per generation (G1 then G2): bucket count u32, reserved u32, entry count u64
///  ..  feed position (P opaque bytes), zero padding to the header length
/// body    each generation's buckets, bucket count × 64 bytes
/// rules   the retailer rules (<see cref="RetailerTable.Serialize"/>; absent in snapshots without any)
/// trailer "SGSNAPND", body length u64, CRC-32C of header, body and rules u32, rules length u32
/// </code>
/// Recipients appear only as their keyed hashes' tags. A snapshot is written to a temporary
/// file, flushed to disk and renamed over the old one, so a crash leaves the old one intact;
/// a load checks length, key id and checksum before the index is handed out.
/// <see cref="Write"/> wants the writer still; <see cref="Begin"/> lets it go on while the file is written.
/// </summary>
public static class IndexSnapshot
{
    private const int FormatVersion = 1;
    private const int FixedHeader = 56;
    private const int GenerationEntry = 16;
    internal const int TrailerLength = 24;
    private const int Block = 4096;
    internal const int IoChunk = 8 * 1024 * 1024;
    private static readonly byte[] Magic = "SGSNAP01"u8.ToArray();
    internal static readonly byte[] TrailerMagic = "SGSNAPND"u8.ToArray();

    /// <summary>Writes <paramref name="index"/> as it is now; the caller applies nothing until it returns.</summary>
    public static SnapshotInfo Write(ConsentIndex index, string path, uint hashingKeyId, ReadOnlySpan<byte> position, IProgress<double>? progress = null)
    {
        using var pending = Begin(index, path, hashingKeyId, position);
        return pending.Write(progress);
    }

    /// <summary>
    /// Writer, between two changes: fixes what the snapshot will hold at <paramref name="position"/> — the
    /// generations, their sizes, the retailer rules — and closes the tables' <see cref="MoveGate"/>s. The writer may
    /// then go on applying while another thread calls <see cref="PendingSnapshot.Write"/>: the file holds every entry
    /// as of <paramref name="position"/> (some later changes too, which the feed's replay from that position makes
    /// harmless), and no entry twice. An insert that would need a cuckoo move meanwhile goes to a stash the readers
    /// also probe (<see cref="GenerationalTable"/>), and into the table once the copy is over; only a full stash waits.
    /// </summary>
    public static PendingSnapshot Begin(ConsentIndex index, string path, uint hashingKeyId, ReadOnlySpan<byte> position)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var created = DateTimeOffset.UtcNow;
        var waitedBefore = PendingSnapshot.WriterWaited(index);
        // First: what an earlier copy stashed goes into the tables (it is before the position), then no more moves.
        index.Consents.BeginSnapshot();
        index.Closures.BeginSnapshot();
        Generation[] generations = [.. index.Consents.Generations, .. index.Closures.Generations];
        byte[] header = BuildHeader(index, hashingKeyId, position, created);
        byte[] rules = index.Retailers.Count == 0 ? [] : index.Retailers.Serialize();
        return new PendingSnapshot(index, generations, header, rules, path, hashingKeyId, position.ToArray(), created, waitedBefore);
    }

    /// <summary>Loads a snapshot into a new index; throws <see cref="SnapshotException"/> (and allocates nothing lasting) when anything is off.</summary>
    public static (ConsentIndex Index, SnapshotInfo Info) Load(string path, uint expectedHashingKeyId, IProgress<double>? progress = null)
    {
        var stopwatch = Stopwatch.StartNew();
        using var stream = OpenForRead(path);
        long length = stream.Length;
        Span<byte> fixedPart = stackalloc byte[FixedHeader];
        ReadExactly(stream, fixedPart, "header");
        if (!fixedPart[..8].SequenceEqual(Magic))
        {
            throw new SnapshotException($"{path} is not a SendGate index snapshot (bad magic).");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[8..]);
        uint keyId = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[12..]);
        var created = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(fixedPart[16..]));
        long indexVersion = BinaryPrimitives.ReadInt64LittleEndian(fixedPart[24..]);
        double maxLoad = BinaryPrimitives.ReadDoubleLittleEndian(fixedPart[32..]);
        int consentGenerations = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[40..]);
        int closureGenerations = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[44..]);
        int positionLength = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[48..]);
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[52..]);
        if (version != FormatVersion)
        {
            throw new SnapshotException($"{path} has format version {version}; this gate reads version {FormatVersion}.");
        }

        if (keyId != expectedHashingKeyId)
        {
            throw new SnapshotException($"{path} was made under hashing key {keyId:x8}, not this gate's {expectedHashingKeyId:x8}: its recipient keys would match nothing.");
        }

        if (consentGenerations is < 1 or > 64 || closureGenerations is < 1 or > 64 || positionLength is < 0 or > 1 << 20 ||
            maxLoad is <= 0 or >= 1 || headerLength < FixedHeader + ((consentGenerations + closureGenerations) * GenerationEntry) + positionLength ||
            headerLength % Block != 0 || headerLength > length)
        {
            throw new SnapshotException($"{path} has a malformed header.");
        }

        byte[] header = new byte[headerLength];
        fixedPart.CopyTo(header);
        ReadExactly(stream, header.AsSpan(FixedHeader), "header");
        var sizes = new (uint Buckets, long Count)[consentGenerations + closureGenerations];
        long body = 0;
        for (int g = 0; g < sizes.Length; g++)
        {
            var entry = header.AsSpan(FixedHeader + (g * GenerationEntry), GenerationEntry);
            sizes[g] = (BinaryPrimitives.ReadUInt32LittleEndian(entry), BinaryPrimitives.ReadInt64LittleEndian(entry[8..]));
            if (sizes[g].Buckets is 0 or > int.MaxValue || sizes[g].Count < 0 || sizes[g].Count > (long)sizes[g].Buckets * Generation.SlotsPerBucket)
            {
                throw new SnapshotException($"{path} has a malformed generation table.");
            }

            body += Generation.SizeOf(sizes[g].Buckets);
        }

        long rulesLength = length - (headerLength + body + TrailerLength); // checked against the trailer below
        if (rulesLength is < 0 or > int.MaxValue)
        {
            throw new SnapshotException($"{path} is {length} bytes but its header describes at least {headerLength + body + TrailerLength}: truncated.");
        }

        byte[] position = header.AsSpan(FixedHeader + (sizes.Length * GenerationEntry), positionLength).ToArray();
        uint crc = Crc32C.Append(Crc32C.Initial, header);
        var generations = new List<Generation>(sizes.Length);
        try
        {
            long done = 0;
            foreach (var (buckets, count) in sizes)
            {
                var generation = new Generation(buckets, maxLoad);
                generations.Add(generation);
                long entries = 0;
                for (long offset = 0; offset < generation.SizeBytes; offset += IoChunk)
                {
                    var chunk = generation.AsBytes(offset, (int)Math.Min(IoChunk, generation.SizeBytes - offset));
                    ReadExactly(stream, chunk, "body");
                    crc = Crc32C.Append(crc, chunk);
                    entries += CountEntries(chunk);
                    done += chunk.Length;
                    progress?.Report((double)done / body);
                }

                // Counted, not taken from the header: a snapshot copied while its writer went on can hold entries
                // inserted after the header was made.
                generation.Count = entries;
            }

            byte[] rules = new byte[rulesLength];
            ReadExactly(stream, rules, "retailer rules");
            crc = Crc32C.Append(crc, rules);
            Span<byte> trailer = stackalloc byte[TrailerLength];
            ReadExactly(stream, trailer, "trailer");
            if (!trailer[..8].SequenceEqual(TrailerMagic) || BinaryPrimitives.ReadInt64LittleEndian(trailer[8..]) != body || BinaryPrimitives.ReadInt32LittleEndian(trailer[20..]) != rulesLength)
            {
                throw new SnapshotException($"{path} has a damaged trailer, or is truncated or padded.");
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(trailer[16..]) != Crc32C.Finish(crc))
            {
                throw new SnapshotException($"{path} failed its checksum: the file is corrupt.");
            }

            if (!RetailerTable.TryDeserialize(rules, out var retailers))
            {
                throw new SnapshotException($"{path} has malformed retailer rules.");
            }

            var consents = new GenerationalTable([.. generations.Take(consentGenerations)], maxLoad);
            var closures = new GenerationalTable([.. generations.Skip(consentGenerations)], maxLoad);
            var index = new ConsentIndex(consents, closures, indexVersion, retailers);
            return (index, new SnapshotInfo(path, length, index.Count, index.ClosureCount, indexVersion, keyId, position, created, stopwatch.Elapsed));
        }
        catch
        {
            foreach (var generation in generations)
            {
                generation.Dispose();
            }

            throw;
        }
    }

    /// <summary>Entries in whole buckets: slots with a tag (0 marks a free slot).</summary>
    internal static long CountEntries(ReadOnlySpan<byte> buckets)
    {
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(buckets);
        long entries = 0;
        for (int i = 0; i < words.Length; i += 2)
        {
            entries += words[i] != 0 ? 1 : 0;
        }

        return entries;
    }

    private static byte[] BuildHeader(ConsentIndex index, uint keyId, ReadOnlySpan<byte> position, DateTimeOffset created)
    {
        var generations = index.Consents.Generations.Concat(index.Closures.Generations).ToArray();
        int used = FixedHeader + (generations.Length * GenerationEntry) + position.Length;
        byte[] header = new byte[(used + Block - 1) / Block * Block];
        var span = header.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], keyId);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], created.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], index.Version);
        BinaryPrimitives.WriteDoubleLittleEndian(span[32..], index.Consents.MaxLoad);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], index.Consents.Generations.Count);
        BinaryPrimitives.WriteInt32LittleEndian(span[44..], index.Closures.Generations.Count);
        BinaryPrimitives.WriteInt32LittleEndian(span[48..], position.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[52..], header.Length);
        for (int g = 0; g < generations.Length; g++)
        {
            var entry = span.Slice(FixedHeader + (g * GenerationEntry), GenerationEntry);
            BinaryPrimitives.WriteUInt32LittleEndian(entry, generations[g].BucketCount);
            BinaryPrimitives.WriteInt64LittleEndian(entry[8..], generations[g].Count);
        }

        position.CopyTo(span[(FixedHeader + (generations.Length * GenerationEntry))..]);
        return header;
    }

    private static FileStream OpenForRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new SnapshotException($"{path} cannot be opened: {exception.Message}", exception);
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string part)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException exception)
        {
            throw new SnapshotException($"The snapshot ends inside its {part}: truncated.", exception);
        }
    }
}
