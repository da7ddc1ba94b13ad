using System.Buffers;
using Microsoft.Extensions.ObjectPool;
using SendGate.Core.Domain;
using SendGate.Contracts;
using CheckResponse = SendGate.Contracts.V1.CheckResponse;
using ReasonCount = SendGate.Contracts.V1.ReasonCount;

namespace SendGate.Server.Gate;

/// <summary>
/// A <c>sendgate.v1.CheckResponse</c> being built: one reason byte per recipient, counts per
/// reason, and the watermark (already serialized, shared). Written straight into the transport's
/// buffer writer by <see cref="WriteTo"/>, which then returns it to its pool.
/// </summary>
internal sealed class CheckResponseBuffer
{
    private static readonly ObjectPool<CheckResponseBuffer> Pool = new DefaultObjectPool<CheckResponseBuffer>(new DefaultPooledObjectPolicy<CheckResponseBuffer>(), Environment.ProcessorCount * 8);

    private byte[] _requestId = new byte[64];
    private byte[] _reasons = new byte[1024];

    public int RequestIdLength { get; private set; }

    public int Count { get; private set; }

    /// <summary>Recipients per reason value.</summary>
    public int[] Counts { get; } = new int[ReasonRules.MaxValue + 1];

    public uint Allowed { get; set; }

    /// <summary>The serialized Watermark message (field 5), shared and immutable.</summary>
    public byte[] Watermark { get; private set; } = [];

    public Span<byte> Reasons => _reasons.AsSpan(0, Count);

    public ReadOnlySpan<byte> RequestId => _requestId.AsSpan(0, RequestIdLength);

    public static CheckResponseBuffer Rent(ReadOnlySpan<byte> requestId, int count, byte[] watermark)
    {
        var response = Pool.Get();
        if (response._requestId.Length < requestId.Length)
        {
            response._requestId = new byte[requestId.Length];
        }

        requestId.CopyTo(response._requestId);
        response.RequestIdLength = requestId.Length;
        if (response._reasons.Length < count)
        {
            response._reasons = new byte[Math.Max(count, response._reasons.Length * 2)];
        }

        response.Count = count;
        Array.Clear(response.Counts);
        response.Allowed = 0;
        response.Watermark = watermark;
        return response;
    }

    /// <summary>The encoded size (the gRPC frame header precedes the message).</summary>
    public int GetSize()
    {
        int size = 0;
        if (RequestIdLength > 0)
        {
            size += 1 + ProtoWire.VarintSize((ulong)RequestIdLength) + RequestIdLength;
        }

        if (Count > 0)
        {
            size += 1 + ProtoWire.VarintSize((ulong)Count) + Count;
        }

        if (Allowed > 0)
        {
            size += 1 + ProtoWire.VarintSize(Allowed);
        }

        for (int reason = 1; reason < Counts.Length; reason++)
        {
            if (Counts[reason] > 0)
            {
                int inner = ReasonCountSize(reason);
                size += 1 + ProtoWire.VarintSize((ulong)inner) + inner;
            }
        }

        return size + 1 + ProtoWire.VarintSize((ulong)Watermark.Length) + Watermark.Length;
    }

    /// <summary>The fields of <c>CheckResponse</c> and <c>ReasonCount</c> this encoder writes: a test holds them to the messages' descriptors.</summary>
    internal static readonly int[] HandledFields =
    [
        CheckResponse.RequestIdFieldNumber, CheckResponse.ReasonsFieldNumber, CheckResponse.AllowedFieldNumber, CheckResponse.CountsFieldNumber, CheckResponse.WatermarkFieldNumber,
    ];

    /// <inheritdoc cref="HandledFields"/>
    internal static readonly int[] HandledCountFields = [ReasonCount.ReasonFieldNumber, ReasonCount.CountFieldNumber];

    /// <summary>Writes the message and releases the buffer back to its pool.</summary>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        if (RequestIdLength > 0)
        {
            WriteTag(writer, CheckResponse.RequestIdFieldNumber, ProtoWire.LengthDelimited);
            ProtoWire.WriteVarint(writer, (ulong)RequestIdLength);
            ProtoWire.WriteBytes(writer, RequestId);
        }

        if (Count > 0)
        {
            WriteTag(writer, CheckResponse.ReasonsFieldNumber, ProtoWire.LengthDelimited);
            ProtoWire.WriteVarint(writer, (ulong)Count);
            ProtoWire.WriteBytes(writer, Reasons);
        }

        if (Allowed > 0)
        {
            WriteTag(writer, CheckResponse.AllowedFieldNumber, ProtoWire.Varint);
            ProtoWire.WriteVarint(writer, Allowed);
        }

        for (int reason = 1; reason < Counts.Length; reason++)
        {
            if (Counts[reason] > 0)
            {
                WriteTag(writer, CheckResponse.CountsFieldNumber, ProtoWire.LengthDelimited);
                ProtoWire.WriteVarint(writer, (ulong)ReasonCountSize(reason));
                WriteTag(writer, ReasonCount.ReasonFieldNumber, ProtoWire.Varint);
                ProtoWire.WriteVarint(writer, (ulong)reason);
                WriteTag(writer, ReasonCount.CountFieldNumber, ProtoWire.Varint);
                ProtoWire.WriteVarint(writer, (ulong)Counts[reason]);
            }
        }

        WriteTag(writer, CheckResponse.WatermarkFieldNumber, ProtoWire.LengthDelimited);
        ProtoWire.WriteVarint(writer, (ulong)Watermark.Length);
        ProtoWire.WriteBytes(writer, Watermark);
        Watermark = [];
        Pool.Return(this);
    }

    private int ReasonCountSize(int reason) => 2 + ProtoWire.VarintSize((ulong)reason) + ProtoWire.VarintSize((ulong)Counts[reason]);

    private static void WriteTag(IBufferWriter<byte> writer, int field, int wireType)
    {
        writer.GetSpan(1)[0] = (byte)((field << 3) | wireType);
        writer.Advance(1);
    }
}
