using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Core.Consent;

/// <summary>
/// What a consent is held for: (brand, channel, recipient type, recipient key).
/// <code>
/// in memory (24 bytes)                         on the wire (22 bytes, Kafka message key)
///  0..15  recipient key (Lo, Hi)                0..3   brand code, big-endian
/// 16..19  brand code                            4      channel
/// 20      channel                               5      recipient type
/// 21      recipient type (never Unspecified)    6..21  recipient key bytes
/// 22..23  padding (zero)
/// </code>
/// The wire form puts the brand first so a topic's keys sort and compact per brand.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public readonly record struct ConsentKey
{
    public const int WireSize = 22;

    public ConsentKey(uint brandCode, Channel channel, RecipientType recipientType, RecipientKey recipient)
    {
        Recipient = recipient;
        BrandCode = brandCode;
        Channel = channel;
        RecipientType = recipientType.Normalize();
    }

    public RecipientKey Recipient { get; }

    public uint BrandCode { get; }

    public Channel Channel { get; }

    public RecipientType RecipientType { get; }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, BrandCode);
        destination[4] = (byte)Channel;
        destination[5] = (byte)RecipientType;
        Recipient.WriteTo(destination.Slice(6, RecipientKey.Size));
    }

    public byte[] ToWireBytes()
    {
        var bytes = new byte[WireSize];
        WriteTo(bytes);
        return bytes;
    }

    public static bool TryRead(ReadOnlySpan<byte> source, out ConsentKey key)
    {
        key = default;
        if (source.Length != WireSize)
        {
            return false;
        }

        var channel = (Channel)source[4];
        var type = (RecipientType)source[5];
        uint brand = BinaryPrimitives.ReadUInt32BigEndian(source);
        if (brand == 0 || !channel.IsDefined() || type is not (RecipientType.Bireysel or RecipientType.Tacir))
        {
            return false;
        }

        key = new ConsentKey(brand, channel, type, RecipientKey.FromBytes(source.Slice(6, RecipientKey.Size)));
        return true;
    }

    public override string ToString() => $"{BrandCode}/{Channel}/{RecipientType}/{Recipient}";
}
