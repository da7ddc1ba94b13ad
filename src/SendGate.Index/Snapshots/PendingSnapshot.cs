using System.Buffers.Binary;
using System.Diagnostics;
using SendGate.Core.Hashing;
using SendGate.Index.Table;

namespace SendGate.Index.Snapshots;

/// <summary>
/// A snapshot fixed at a feed position by <see cref="IndexSnapshot.Begin"/>, to be written by any one thread while
/// the feed's writer goes on (its tables' move gates closed by <see cref="IndexSnapshot.Begin"/>). Each chunk of a table is copied out of the live memory once, and the checksum and the
/// file take that copy (the memory may change between two reads). The tables' move gates open as soon as their
/// memory is copied, before the file is flushed; disposing opens them too, written or not.
/// </summary>
public sealed class PendingSnapshot : IDisposable
{
    private readonly ConsentIndex _index;
    private readonly Generation[] _generations;
    private readonly byte[] _header;
    private readonly byte[] _rules;
    private readonly string _path;
    private readonly uint _hashingKeyId;
    private readonly byte[] _position;
    private readonly DateTimeOffset _created;
    private readonly long _tuples;
    private readonly long _closures;
    private readonly long _version;
    private readonly TimeSpan _waitedBefore;
    private int _released;

    internal PendingSnapshot(ConsentIndex index, Generation[] generations, byte[] header, byte[] rules, string path, uint hashingKeyId, byte[] position, DateTimeOffset created, TimeSpan waitedBefore)
    {
        _index = index;
        _generations = generations;
        _header = header;
        _rules = rules;
        _path = path;
        _hashingKeyId = hashingKeyId;
        _position = position;
        _created = created;
        _tuples = index.Count;
        _closures = index.ClosureCount;
        _version = index.Version;
        _waitedBefore = waitedBefore;
    }

    /// <summary>Writes the file (to a temporary name, flushed, then renamed over <c>path</c>); a crash midway leaves any older file intact.</summary>
    public SnapshotInfo Write(IProgress<double>? progress = null)
    {
        var stopwatch = Stopwatch.StartNew();
        long body = _generations.Sum(g => g.SizeBytes);
        string temporary = _path + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        uint crc = Crc32C.Initial;
        byte[] copy = new byte[(int)Math.Min(IndexSnapshot.IoChunk, Math.Max(body, 1))];
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.SequentialScan))
        {
            stream.SetLength(_header.Length + body + _rules.Length + IndexSnapshot.TrailerLength);
            stream.Write(_header);
            crc = Crc32C.Append(crc, _header);
            long done = 0;
            foreach (var generation in _generations)
            {
                for (long offset = 0; offset < generation.SizeBytes; offset += IndexSnapshot.IoChunk)
                {
                    int length = (int)Math.Min(IndexSnapshot.IoChunk, generation.SizeBytes - offset);
                    var chunk = copy.AsSpan(0, length);
                    generation.AsBytes(offset, length).CopyTo(chunk);
                    crc = Crc32C.Append(crc, chunk);
                    stream.Write(chunk);
                    // Flushed chunk by chunk: written whole and flushed once, a 2 GB snapshot (10^8 tuples) leaves its dirty
                    // pages for one fsync, which on a shared disk stalls every other writer, the co-located broker too
                    // (2.4 GB so written beside a following gate: produce → visible p99 943 ms against 26 ms, flushed
                    // every 8 MiB 42 ms; at 10^8, every 32 MiB 0.3-0.5 s, every 8 MiB 0.12-0.14 s with the generator of
                    // then; docs/performance.md, "Freshness at 10^8 while checkpointing").
                    stream.Flush(flushToDisk: true);
                    done += length;

                    progress?.Report((double)done / body);
                }
            }

            ReleaseMoves(); // the tables are copied: the writer may move entries again
            crc = Crc32C.Append(crc, _rules);
            stream.Write(_rules);
            Span<byte> trailer = stackalloc byte[IndexSnapshot.TrailerLength];
            IndexSnapshot.TrailerMagic.CopyTo(trailer);
            BinaryPrimitives.WriteInt64LittleEndian(trailer[8..], body);
            BinaryPrimitives.WriteUInt32LittleEndian(trailer[16..], Crc32C.Finish(crc));
            BinaryPrimitives.WriteInt32LittleEndian(trailer[20..], _rules.Length);
            stream.Write(trailer);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
        var writerWaited = WriterWaited(_index) - _waitedBefore; // read after the flush: a writer let go at the copy's end has counted its wait by then
        return new SnapshotInfo(_path, _header.Length + body + _rules.Length + IndexSnapshot.TrailerLength, _tuples, _closures, _version, _hashingKeyId, _position, _created, stopwatch.Elapsed)
        {
            WriterWaited = writerWaited,
        };
    }

    public void Dispose() => ReleaseMoves();

    private void ReleaseMoves()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _index.Consents.EndSnapshot();
            _index.Closures.EndSnapshot();
        }
    }

    /// <summary>How long the index's writer has waited at its move gates in all.</summary>
    internal static TimeSpan WriterWaited(ConsentIndex index) => index.Consents.Moves.Waited + index.Closures.Moves.Waited;
}
