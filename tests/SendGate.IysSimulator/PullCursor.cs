using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SendGate.IysSimulator;

/// <summary>
/// PULL's <c>after</c>: an opaque string to the client. Inside, the position (creation time and sequence of the last
/// change returned), the brand and source it belongs to, and when it was issued — signed, so that a cursor edited,
/// truncated or taken to another brand is refused as İYS refuses a bad cursor.
/// </summary>
internal sealed class PullCursor(byte[] key)
{
    private const int PayloadLength = 4 + 1 + 8 + 8 + 8;
    private const int TagLength = 12;

    public string Encode(uint brand, string sourceKind, DateTimeOffset createdAt, long sequence, DateTimeOffset issuedAt)
    {
        Span<byte> bytes = stackalloc byte[PayloadLength + TagLength];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, brand);
        bytes[4] = sourceKind == "IYS" ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64BigEndian(bytes[5..], createdAt.UtcTicks);
        BinaryPrimitives.WriteInt64BigEndian(bytes[13..], sequence);
        BinaryPrimitives.WriteInt64BigEndian(bytes[21..], issuedAt.UtcTicks);
        HMACSHA256.HashData(key, bytes[..PayloadLength])[..TagLength].CopyTo(bytes[PayloadLength..]);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public bool TryDecode(string text, uint brand, string sourceKind, out (DateTimeOffset CreatedAt, long Sequence, DateTimeOffset IssuedAt) position)
    {
        position = default;
        string base64 = text.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - (base64.Length % 4)) % 4);
        Span<byte> bytes = stackalloc byte[64];
        if (!Convert.TryFromBase64String(base64, bytes, out int length) || length != PayloadLength + TagLength)
        {
            return false;
        }

        bytes = bytes[..length];
        var expected = HMACSHA256.HashData(key, bytes[..PayloadLength]).AsSpan(0, TagLength);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[PayloadLength..])
            || BinaryPrimitives.ReadUInt32BigEndian(bytes) != brand
            || bytes[4] != (sourceKind == "IYS" ? 1 : 0))
        {
            return false;
        }

        position = (
            new DateTimeOffset(BinaryPrimitives.ReadInt64BigEndian(bytes[5..]), TimeSpan.Zero),
            BinaryPrimitives.ReadInt64BigEndian(bytes[13..]),
            new DateTimeOffset(BinaryPrimitives.ReadInt64BigEndian(bytes[21..]), TimeSpan.Zero));
        return true;
    }
}
