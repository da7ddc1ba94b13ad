using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Extensions.ObjectPool;
using SendGate.Contracts;
using CheckRequest = SendGate.Contracts.V1.CheckRequest;

namespace SendGate.Server.Gate;

/// <summary>
/// A <c>sendgate.v1.CheckRequest</c> as received: scalar fields decoded, recipients left in
/// place as (offset, length) into the request bytes, so that a 100,000-recipient request
/// allocates no string per recipient. The bytes are one pooled copy of the message: grpc-dotnet
/// lends its buffer only for the deserializer call and reuses it once the call is read, while
/// the view lives until the answer is written (a 1,000-recipient request is a 16 KB memcpy, about
/// a microsecond). Pooled; release after use.
/// </summary>
internal sealed class CheckRequestView
{
    private static readonly ObjectPool<CheckRequestView> Pool = new DefaultObjectPool<CheckRequestView>(new DefaultPooledObjectPolicy<CheckRequestView>(), Environment.ProcessorCount * 8);

    private byte[]? _rented;
    private int[] _starts = new int[64];
    private int[] _lengths = new int[64];

    public ReadOnlyMemory<byte> Bytes { get; private set; }

    public int RequestIdStart { get; private set; }

    public int RequestIdLength { get; private set; }

    public uint IysCode { get; private set; }

    public uint BrandCode { get; private set; }

    /// <summary>Wire enum values as sent (validated by the processor, not here).</summary>
    public ulong Channel { get; private set; }

    public ulong RecipientType { get; private set; }

    public ulong Kind { get; private set; }

    public uint KeyId { get; private set; }

    /// <summary>The retailer the request is on behalf of; 0: the brand itself.</summary>
    public uint RetailerCode { get; private set; }

    /// <summary>Entries of field 7 (recipients as written).</summary>
    public int RecipientCount { get; private set; }

    /// <summary>Entries of field 8 (16-byte keys).</summary>
    public int KeyCount { get; private set; }

    /// <summary>Recipients or keys, whichever the request carries (the processor refuses both).</summary>
    public int Count => RecipientCount + KeyCount;

    public bool HasKeys => KeyCount > 0;

    public ReadOnlySpan<byte> RequestId => Bytes.Span.Slice(RequestIdStart, RequestIdLength);

    /// <summary>Entry <paramref name="i"/> (a recipient as written, or a key) as bytes.</summary>
    public ReadOnlySpan<byte> Entry(int i) => Bytes.Span.Slice(_starts[i], _lengths[i]);

    /// <summary>Decodes a request; entries beyond <paramref name="maxEntries"/> are counted but not recorded.</summary>
    public static CheckRequestView Parse(in ReadOnlySequence<byte> payload, int maxEntries)
    {
        var view = Pool.Get();
        try
        {
            view._rented = ArrayPool<byte>.Shared.Rent((int)payload.Length);
            payload.CopyTo(view._rented);
            view.Bytes = view._rented.AsMemory(0, (int)payload.Length);

            view.Decode(maxEntries);
            return view;
        }
        catch
        {
            view.Release();
            throw;
        }
    }

    /// <summary>Returns the view (and any pooled copy) for reuse.</summary>
    public void Release()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }

        Bytes = default;
        Pool.Return(this);
    }

    /// <summary>The fields of <c>CheckRequest</c> this decoder reads (the rest are skipped): a test holds it to the message's descriptor.</summary>
    internal static readonly int[] HandledFields =
    [
        CheckRequest.RequestIdFieldNumber, CheckRequest.IysCodeFieldNumber, CheckRequest.BrandCodeFieldNumber, CheckRequest.ChannelFieldNumber,
        CheckRequest.RecipientTypeFieldNumber, CheckRequest.KindFieldNumber, CheckRequest.RecipientsFieldNumber, CheckRequest.RecipientKeysFieldNumber,
        CheckRequest.KeyIdFieldNumber, CheckRequest.RetailerCodeFieldNumber,
    ];

    private void Decode(int maxEntries)
    {
        RequestIdStart = RequestIdLength = RecipientCount = KeyCount = 0;
        IysCode = BrandCode = KeyId = RetailerCode = 0;
        Channel = RecipientType = Kind = 0;
        var data = Bytes.Span;
        int position = 0;
        while (position < data.Length)
        {
            ulong tag = ProtoWire.ReadVarint(data, ref position);
            int field = (int)(tag >> 3);
            int wireType = (int)(tag & 7);
            switch ((field, wireType))
            {
                case (CheckRequest.RequestIdFieldNumber, ProtoWire.LengthDelimited):
                    RequestIdLength = ProtoWire.ReadLength(data, ref position);
                    RequestIdStart = position;
                    position += RequestIdLength;
                    break;
                case (CheckRequest.IysCodeFieldNumber, ProtoWire.Varint):
                    IysCode = (uint)ProtoWire.ReadVarint(data, ref position);
                    break;
                case (CheckRequest.BrandCodeFieldNumber, ProtoWire.Varint):
                    BrandCode = (uint)ProtoWire.ReadVarint(data, ref position);
                    break;
                case (CheckRequest.ChannelFieldNumber, ProtoWire.Varint):
                    Channel = ProtoWire.ReadVarint(data, ref position);
                    break;
                case (CheckRequest.RecipientTypeFieldNumber, ProtoWire.Varint):
                    RecipientType = ProtoWire.ReadVarint(data, ref position);
                    break;
                case (CheckRequest.KindFieldNumber, ProtoWire.Varint):
                    Kind = ProtoWire.ReadVarint(data, ref position);
                    break;
                case (CheckRequest.RecipientsFieldNumber, ProtoWire.LengthDelimited):
                case (CheckRequest.RecipientKeysFieldNumber, ProtoWire.LengthDelimited):
                    int length = ProtoWire.ReadLength(data, ref position);
                    Record(position, length, maxEntries);
                    if (field == CheckRequest.RecipientsFieldNumber)
                    {
                        RecipientCount++;
                    }
                    else
                    {
                        KeyCount++;
                    }

                    position += length;
                    break;
                case (CheckRequest.KeyIdFieldNumber, ProtoWire.Fixed32):
                    ProtoWire.Advance(data, ref position, 4);
                    KeyId = BinaryPrimitives.ReadUInt32LittleEndian(data[(position - 4)..]);
                    break;
                case (CheckRequest.RetailerCodeFieldNumber, ProtoWire.Varint):
                    RetailerCode = (uint)ProtoWire.ReadVarint(data, ref position);
                    break;
                default:
                    ProtoWire.Skip(data, ref position, wireType);
                    break;
            }
        }
    }

    private void Record(int start, int length, int maxEntries)
    {
        int index = Count;
        if (index >= maxEntries)
        {
            return; // over the limit: counted for the error message, not recorded
        }

        if (index == _starts.Length)
        {
            int size = Math.Min(Math.Max(_starts.Length * 2, 64), Math.Max(maxEntries, 64));
            Array.Resize(ref _starts, size);
            Array.Resize(ref _lengths, size);
        }

        _starts[index] = start;
        _lengths[index] = length;
    }
}
