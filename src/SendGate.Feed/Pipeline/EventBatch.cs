using SendGate.Core.Consent;

namespace SendGate.Feed.Pipeline;

/// <summary>
/// A run of raw events read from a source, in source order, carried through the pipeline:
/// filled by the source (bytes copied into one reused buffer — no array per event), decoded in
/// parallel, applied by the one writer, then recycled. It also carries what applying it proves:
/// the source positions reached after its last event and, when the source could tell, the
/// moment everything the source held is applied by the end of this batch (<see cref="FreshAsOf"/>).
/// </summary>
public sealed class EventBatch
{
    private const int ParallelDecodeAbove = 512;
    private const int DecodeChunk = 512;

    /// <summary>A batch is full at this many payload bytes, whatever its count: bounds the memory of the batches in flight.</summary>
    private const int SoftByteLimit = 4 << 20;

    private readonly int[] _payloadStart;
    private readonly int[] _payloadLength;
    private readonly int[] _keyStart;
    private readonly int[] _keyLength;
    private readonly int[] _partition;
    private readonly long[] _position;
    private readonly DecodedEvent[] _decoded;
    private byte[] _bytes = new byte[SoftByteLimit / 4];
    private int _used;

    public EventBatch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _payloadStart = new int[capacity];
        _payloadLength = new int[capacity];
        _keyStart = new int[capacity];
        _keyLength = new int[capacity];
        _partition = new int[capacity];
        _position = new long[capacity];
        _decoded = new DecodedEvent[capacity];
    }

    public int Count { get; private set; }

    public int Capacity => _decoded.Length;

    /// <summary>False once the batch should be handed on.</summary>
    public bool HasRoom => Count < Capacity && _used < SoftByteLimit;

    /// <summary>The source's positions after the last event of this batch (what a checkpoint records once it is applied).</summary>
    public long[] EndPositions { get; set; } = [];

    /// <summary>Set when applying this batch makes the gate current with its source as of that moment.</summary>
    public DateTimeOffset? FreshAsOf { get; set; }

    /// <summary>Copies bytes into the batch (a payload or a key); null input gives a null slice.</summary>
    public ByteSlice Append(ReadOnlySpan<byte> bytes, bool isNull = false)
    {
        if (isNull)
        {
            return ByteSlice.Null;
        }

        if (_used + bytes.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + bytes.Length));
        }

        bytes.CopyTo(_bytes.AsSpan(_used));
        var slice = new ByteSlice(_used, bytes.Length);
        _used += bytes.Length;
        return slice;
    }

    /// <summary>Adds an event whose bytes were appended; <paramref name="position"/> is where it sits in its partition (Kafka offset, file line number).</summary>
    public void Add(ByteSlice payload, ByteSlice key, int partition, long position)
    {
        int index = Count++;
        (_payloadStart[index], _payloadLength[index]) = (payload.Start, payload.Length);
        (_keyStart[index], _keyLength[index]) = (key.Start, key.Length);
        _partition[index] = partition;
        _position[index] = position;
    }

    /// <summary>Appends and adds an event in one step (sources that read bytes themselves).</summary>
    public void Add(ReadOnlySpan<byte> payload, int partition, long position) =>
        Add(Append(payload), ByteSlice.Null, partition, position);

    /// <summary>The event's payload; <paramref name="isNull"/> for a Kafka tombstone.</summary>
    public ReadOnlySpan<byte> Payload(int index, out bool isNull)
    {
        isNull = _payloadLength[index] < 0;
        return isNull ? default : _bytes.AsSpan(_payloadStart[index], _payloadLength[index]);
    }

    /// <summary>The event's key as bytes (a copy, for the rare paths that keep it); null when it had none.</summary>
    public byte[]? KeyCopy(int index) => _keyLength[index] < 0 ? null : _bytes.AsSpan(_keyStart[index], _keyLength[index]).ToArray();

    /// <summary>The payload as bytes (a copy, for the rare paths that keep it); null for a tombstone.</summary>
    public byte[]? PayloadCopy(int index)
    {
        var payload = Payload(index, out bool isNull);
        return isNull ? null : payload.ToArray();
    }

    public int Partition(int index) => _partition[index];

    public long Position(int index) => _position[index];

    public ref DecodedEvent Decoded(int index) => ref _decoded[index];

    /// <summary>
    /// Decodes every event. Parsing and hashing are most of an event's cost and independent per
    /// event: a large batch (catch-up) is spread over the cores, a small one (following) is
    /// decoded on the calling thread, which is sooner.
    /// </summary>
    public void DecodeWith(IEventDecoder decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        if (Count < ParallelDecodeAbove)
        {
            DecodeRange(decoder, 0, Count);
            return;
        }

        int chunks = (Count + DecodeChunk - 1) / DecodeChunk;
        Parallel.For(0, chunks, chunk => DecodeRange(decoder, chunk * DecodeChunk, Math.Min(Count, (chunk + 1) * DecodeChunk)));
    }

    public void Clear()
    {
        Array.Clear(_decoded, 0, Count); // drop the references to the applied changes
        Count = 0;
        _used = 0;
        EndPositions = [];
        FreshAsOf = null;
    }

    private void DecodeRange(IEventDecoder decoder, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            _decoded[i] = decoder.Decode(this, i);
        }
    }
}

/// <summary>Where an event's bytes sit in its batch; a negative length is null (a Kafka tombstone or a missing key).</summary>
public readonly record struct ByteSlice(int Start, int Length)
{
    public static ByteSlice Null => new(0, -1);

    public bool IsNull => Length < 0;
}
