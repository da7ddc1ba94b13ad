using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;
using FASTER.core;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Index.Records;
using Session = FASTER.core.ClientSession<FASTER.core.SpanByte, FASTER.core.SpanByte, FASTER.core.SpanByte, FASTER.core.SpanByteAndMemory, FASTER.core.Empty, FASTER.core.SpanByteFunctions<FASTER.core.Empty>>;

namespace SendGate.Durability;

/// <summary>
/// The durable consent state on Microsoft.FASTER.Core: full records (for Explain and for
/// rebuilding the hot index) and line closures in a <see cref="FasterKV{Key, Value}"/> whose
/// log lives on local disk (see <see cref="RecordCodec"/> for the bytes). One writer — the feed —
/// applies changes and takes checkpoints between them; readers (Explain, digests) use pooled
/// sessions, since a FASTER session serves one thread at a time. Reads are refused until the
/// store has been opened, fresh or recovered, because recovery replaces the FASTER instance.
/// </summary>
public sealed class FasterRecordStore : IConsentRecordStore, IDisposable
{
    private const int StackValue = 256;
    private static readonly object FoundMarker = new();
    private readonly string _logDirectory;
    private readonly string _checkpointDirectory;
    private readonly DurabilityOptions _options;
    private readonly long _expectedRecords;
    private readonly ConcurrentBag<Session> _readers = [];
    private FasterKV<SpanByte, SpanByte> _kv;
    private IDevice _device;
    private DeviceLogCommitCheckpointManager _checkpoints;
    private Session? _writer;
    private long _count;
    private volatile bool _open;
    private int _disposed;

    public FasterRecordStore(DurabilityOptions options, long expectedRecords)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        _options = options;
        _expectedRecords = Math.Max(expectedRecords, 1 << 16);
        _logDirectory = System.IO.Path.Combine(options.Path, "log");
        _checkpointDirectory = System.IO.Path.Combine(options.Path, "checkpoints");
        Directory.CreateDirectory(_logDirectory);
        Directory.CreateDirectory(_checkpointDirectory);
        (_kv, _device, _checkpoints) = Create();
    }

    public long Count => Interlocked.Read(ref _count);

    public bool KeepsRecords => true;

    /// <summary>Bytes of the FASTER log from its begin to its tail (what the records take on disk).</summary>
    public long LogBytes => _kv.Log.TailAddress - _kv.Log.BeginAddress;

    internal string CheckpointDirectory => _checkpointDirectory;

    /// <summary>Starts an empty store: what is in the log directory from before is discarded.</summary>
    public void OpenEmpty()
    {
        Reset(deleteLog: true);
        Open();
    }

    /// <summary>
    /// Recovers the log checkpoint <paramref name="logToken"/> over the hash index of the full checkpoint
    /// <paramref name="indexToken"/> (the same token for a full checkpoint; FASTER replays the log between the two
    /// into the index) and returns the cookie committed with it. On failure the store is left empty and closed,
    /// ready for another attempt.
    /// </summary>
    public byte[] Recover(Guid indexToken, Guid logToken)
    {
        try
        {
            _kv.Recover(indexToken, logToken);
            Open();
            return _kv.RecoveredCommitCookie ?? [];
        }
        catch
        {
            Reset(deleteLog: false);
            throw;
        }
    }

    /// <summary>
    /// Writer: starts a fold-over checkpoint carrying <paramref name="cookie"/> and returns at once; the task gives
    /// its token once it is on disk. Everything applied before the call is in it. With <paramref name="withIndex"/>
    /// it is a full checkpoint (hash index and log); without, the log's alone (its new pages), recovered over the
    /// index of an earlier full one — at 10^8 the hash index is a 1 GB write, the log's new pages a few megabytes.
    /// The writer may go on meanwhile: FASTER's checkpoint (CPR) then cuts the writer's session where it first
    /// moves to the next version, so a few later upserts may be in it too — harmless to a feed that resumes at the
    /// cookie's position, whose rules make applying a change twice the same as once.
    /// </summary>
    public Task<Guid> BeginCheckpoint(byte[] cookie, bool withIndex)
    {
        EnsureOpen();
        _kv.CommitCookie = cookie;
        bool started = withIndex
            ? _kv.TryInitiateFullCheckpoint(out Guid token, CheckpointType.FoldOver)
            : _kv.TryInitiateHybridLogCheckpoint(out token, CheckpointType.FoldOver);
        if (!started)
        {
            throw new InvalidOperationException("FASTER refused the checkpoint: another one is in progress.");
        }

        var kv = _kv;
        // Completed on the pool, not on the writer: FASTER's completion loop steps its state machine until the flushes are issued.
        return Task.Run(async () =>
        {
            await kv.CompleteCheckpointAsync().ConfigureAwait(false);
            return token;
        });
    }

    /// <summary>
    /// The files of checkpoint <paramref name="token"/>: its hash index (<paramref name="index"/>: a full checkpoint's)
    /// or its log's metadata (the log pages it covers are shared with the live log).
    /// </summary>
    public IEnumerable<string> CheckpointFiles(Guid token, bool index)
    {
        var scheme = new DefaultCheckpointNamingScheme(_checkpointDirectory);
        string path = System.IO.Path.Combine(_checkpointDirectory, (index ? scheme.IndexCheckpointBase(token) : scheme.LogCheckpointBase(token)).directoryName);
        return Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];
    }

    /// <summary>Checkpoint tokens FASTER holds on disk, whether or not a manifest vouches for them.</summary>
    public IReadOnlyList<Guid> CheckpointTokens() =>
        _checkpoints.GetLogCheckpointTokens().Concat(_checkpoints.GetIndexCheckpointTokens()).Distinct().ToList();

    public void Purge(Guid token) => _checkpoints.Purge(token);

    public void Apply(in ConsentKey key, ConsentRecord record, ConsentState current)
    {
        ArgumentNullException.ThrowIfNull(record);
        var session = Writer();
        Span<byte> keyBytes = stackalloc byte[RecordCodec.ConsentKeySize];
        key.WriteTo(keyBytes);
        if (record.State == current && Read(session, keyBytes, RecordCodec.ReadRecord) is { } existing && ReferenceEquals(ConsentRecord.Newest(existing, record), existing))
        {
            return; // the same state, and evidence that does not beat (or equals) what is stored: nothing to write
        }

        int size = RecordCodec.RecordSize(record);
        byte[]? rented = size > StackValue ? ArrayPool<byte>.Shared.Rent(size) : null;
        Span<byte> value = rented is null ? stackalloc byte[StackValue] : rented;
        try
        {
            RecordCodec.WriteRecord(record, value);
            Upsert(session, keyBytes, value[..size]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        if (current.IsNone)
        {
            Interlocked.Increment(ref _count);
        }
    }

    public void ApplyClosure(RecipientKey recipient, ConsentTime closedAt, ConsentTime current)
    {
        var session = Writer();
        Span<byte> keyBytes = stackalloc byte[RecordCodec.ClosureKeySize];
        recipient.WriteTo(keyBytes);
        if (closedAt == current && Read(session, keyBytes, ReadClosure) is { } stored && stored.Value >= closedAt)
        {
            return; // already held: the index and the store agree
        }

        Span<byte> value = stackalloc byte[RecordCodec.ClosureValueSize];
        RecordCodec.WriteClosure(closedAt, value);
        Upsert(session, keyBytes, value);
    }

    public ConsentRecord? Find(in ConsentKey key)
    {
        if (!_open)
        {
            return null;
        }

        Span<byte> keyBytes = stackalloc byte[RecordCodec.ConsentKeySize];
        key.WriteTo(keyBytes);
        var session = RentReader();
        try
        {
            return Read(session, keyBytes, RecordCodec.ReadRecord);
        }
        finally
        {
            _readers.Add(session);
        }
    }

    /// <summary>
    /// Every live (newest) record and closure, each once: the log scanned in order, each version
    /// passed on only when a read of its key finds it at that very address. Comparing bytes would
    /// not do: replayed after a recovery, the feed can append a second, equal version of what the
    /// checkpoint's cut already held. (FASTER 2.6.5's own distinct iteration returned superseded
    /// versions, and the address a completed pending read reports is where its search began, so
    /// the address is taken from the reader callback, which FASTER gives the record's own.)
    /// One lookup per version: an operator's tool, not a hot path. A version written while the walk
    /// runs may be missed or passed on beside an older one, as with any live walk.
    /// </summary>
    public bool Visit(IConsentStateVisitor visitor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        EnsureOpen();
        var functions = new AddressRecordingFunctions();
        using var session = _kv.For(functions).NewSession<SpanByteFunctions<Empty>>();
        using var iterator = _kv.Log.Scan(_kv.Log.BeginAddress, _kv.Log.TailAddress);
        Dispatch(iterator, visitor, cancellationToken, live: (key, address) => Read(session, key, Found) is not null && functions.LastAddress == address);
        return true;
    }

    /// <summary>
    /// Every record version in the log, old ones included, in log order: the fast way to rebuild
    /// the hot index, whose rules (maxima) make older versions harmless.
    /// </summary>
    public void Scan(IConsentStateVisitor visitor, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        EnsureOpen();
        long begin = _kv.Log.BeginAddress;
        long end = _kv.Log.TailAddress;
        using var iterator = _kv.Log.Scan(begin, end);
        Dispatch(iterator, visitor, cancellationToken, progress is null ? null : address => progress.Report((double)(address - begin) / Math.Max(1, end - begin)));
    }

    /// <summary>After a recovery, the count is what the rebuilt hot index found distinct.</summary>
    internal void SetCount(long records) => Interlocked.Exchange(ref _count, records);

    /// <summary>Idempotent: both the consent store and the container own this store.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _open = false;
            DisposeInstance();
        }
    }

    private static void Dispatch(IFasterScanIterator<SpanByte, SpanByte> iterator, IConsentStateVisitor visitor, CancellationToken cancellationToken, Action<long>? progress = null, LiveTest? live = null)
    {
        long seen = 0;
        while (iterator.GetNext(out var info))
        {
            if (info.Tombstone || info.Invalid)
            {
                continue;
            }

            if ((++seen & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Invoke(iterator.CurrentAddress);
            }

            var key = iterator.GetKey().AsReadOnlySpan();
            var value = iterator.GetValue().AsReadOnlySpan();
            if (live is not null && !live(key, iterator.CurrentAddress))
            {
                continue;
            }

            if (key.Length == RecordCodec.ConsentKeySize && ConsentKey.TryRead(key, out var consentKey) && RecordCodec.TryReadState(value, out var state))
            {
                visitor.Consent(consentKey, state);
                if (RecordCodec.ReadRetailers(value) is { } rule)
                {
                    visitor.Retailers(consentKey, state, rule);
                }
            }
            else if (key.Length == RecordCodec.ClosureKeySize && RecordCodec.TryReadClosure(value, out var closedAt))
            {
                visitor.Closure(RecipientKey.FromBytes(key), closedAt);
            }
        }
    }

    private static unsafe void Upsert(Session session, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var keySpan = SpanByte.FromPointer(k, key.Length);
            var valueSpan = SpanByte.FromPointer(v, value.Length);
            var status = session.Upsert(ref keySpan, ref valueSpan);
            if (status.IsPending)
            {
                session.CompletePending(wait: true);
            }
        }
    }

    private static unsafe T? Read<T>(Session session, ReadOnlySpan<byte> key, ReadDecoder<T> decode)
        where T : class
    {
        byte* buffer = stackalloc byte[StackValue];
        fixed (byte* k = key)
        {
            var keySpan = SpanByte.FromPointer(k, key.Length);
            SpanByte input = default;
            var output = new SpanByteAndMemory(buffer, StackValue);
            var status = session.Read(ref keySpan, ref input, ref output);
            if (status.IsPending)
            {
                session.CompletePendingWithOutputs(out var completed, wait: true);
                using (completed)
                {
                    if (!completed.Next())
                    {
                        return null;
                    }

                    status = completed.Current.Status;
                    output = completed.Current.Output;
                }
            }

            try
            {
                if (!status.Found)
                {
                    return null;
                }

                return output.IsSpanByte ? decode(output.SpanByte.AsReadOnlySpan()) : decode(output.Memory.Memory.Span[..output.Length]);
            }
            finally
            {
                output.Memory?.Dispose();
            }
        }
    }

    private delegate T? ReadDecoder<T>(ReadOnlySpan<byte> value);

    private delegate bool LiveTest(ReadOnlySpan<byte> key, long address);

    private static object? Found(ReadOnlySpan<byte> value) => FoundMarker;

    private static ClosureTime? ReadClosure(ReadOnlySpan<byte> value) => RecordCodec.TryReadClosure(value, out var closedAt) ? new ClosureTime(closedAt) : null;

    /// <summary>A stored closure, boxed for <see cref="Read{T}"/> (a closure tie is rare: only replays after a recovery).</summary>
    private sealed record ClosureTime(ConsentTime Value);

    /// <summary>SpanByte reads that also note the logical address of the record read (reads of one thread at a time).</summary>
    private sealed class AddressRecordingFunctions : SpanByteFunctions<Empty>
    {
        public long LastAddress { get; private set; }

        public override bool SingleReader(ref SpanByte key, ref SpanByte input, ref SpanByte value, ref SpanByteAndMemory dst, ref ReadInfo readInfo)
        {
            LastAddress = readInfo.Address;
            return base.SingleReader(ref key, ref input, ref value, ref dst, ref readInfo);
        }

        public override bool ConcurrentReader(ref SpanByte key, ref SpanByte input, ref SpanByte value, ref SpanByteAndMemory dst, ref ReadInfo readInfo)
        {
            LastAddress = readInfo.Address;
            return base.ConcurrentReader(ref key, ref input, ref value, ref dst, ref readInfo);
        }
    }

    private (FasterKV<SpanByte, SpanByte> Kv, IDevice Device, DeviceLogCommitCheckpointManager Checkpoints) Create()
    {
        var device = Devices.CreateLogDevice(System.IO.Path.Combine(_logDirectory, "hlog.log"), recoverDevice: true);
        var checkpoints = new DeviceLogCommitCheckpointManager(new LocalStorageNamedDeviceFactory(), new DefaultCheckpointNamingScheme(_checkpointDirectory), removeOutdated: false);
        // FASTER's hash index (in memory, and written with every checkpoint): 64-byte buckets of 7
        // entries. One bucket per 8 records (~6 per bucket, some chained to an overflow bucket)
        // keeps it to 8 B a record: at 10^8 one per 4 made it 2.1 GB, more than the hot index
        // itself, and the gate past 4 GiB. Only Explain and the writer's tie-breaks read it.
        long buckets = (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(_expectedRecords / 8, 1024));
        long pageBytes = (long)BitOperations.RoundUpToPowerOf2((ulong)_options.PageKiB << 10); // FASTER pages are powers of two
        var settings = new FasterKVSettings<SpanByte, SpanByte>
        {
            IndexSize = buckets * 64,
            LogDevice = device,
            PageSize = pageBytes,
            MemorySize = Math.Max((long)_options.LogMemoryMiB << 20, 2 * pageBytes),
            SegmentSize = 1L << 30,
            CheckpointManager = checkpoints,
            ReadCopyOptions = new ReadCopyOptions(ReadCopyFrom.None, ReadCopyTo.None),
        };
        return (new FasterKV<SpanByte, SpanByte>(settings), device, checkpoints);
    }

    private void Open()
    {
        _writer = NewSession();
        _open = true;
    }

    private void Reset(bool deleteLog)
    {
        _open = false;
        DisposeInstance();
        if (deleteLog)
        {
            foreach (string file in Directory.EnumerateFiles(_logDirectory))
            {
                File.Delete(file);
            }
        }

        (_kv, _device, _checkpoints) = Create();
    }

    private void DisposeInstance()
    {
        _writer?.Dispose();
        _writer = null;
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }

        _kv.Dispose();
        _device.Dispose();
        _checkpoints.Dispose();
    }

    private Session Writer() => _writer ?? throw new InvalidOperationException("The durable store is not open: recover or open it first.");

    private Session RentReader() => _readers.TryTake(out var session) ? session : NewSession();

    private Session NewSession() => _kv.For(new SpanByteFunctions<Empty>()).NewSession<SpanByteFunctions<Empty>>();

    private void EnsureOpen()
    {
        if (!_open)
        {
            throw new InvalidOperationException("The durable store is not open: recover or open it first.");
        }
    }
}

