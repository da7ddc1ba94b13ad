using System.Buffers.Binary;
using System.Text;

namespace SendGate.Feed.Checkpoints;

/// <summary>
/// Where a feed resumes so that the state it rebuilds from is exactly what it had applied: the
/// feed's source (<c>kafka:TOPIC</c>, <c>file:PATH</c>) and its positions — for Kafka the next
/// offset of each partition, for a file the byte offset and line count. Stored with the
/// checkpoint it describes (the FASTER commit cookie), so the two cannot disagree.
/// </summary>
public sealed record FeedResumePoint(string Source, IReadOnlyList<long> Positions)
{
    private const byte FormatVersion = 1;

    public byte[] Encode()
    {
        int sourceBytes = Encoding.UTF8.GetByteCount(Source);
        var bytes = new byte[1 + 2 + sourceBytes + 4 + (8 * Positions.Count)];
        bytes[0] = FormatVersion;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(1), checked((ushort)sourceBytes));
        Encoding.UTF8.GetBytes(Source, bytes.AsSpan(3));
        int at = 3 + sourceBytes;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), Positions.Count);
        at += 4;
        foreach (long position in Positions)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at), position);
            at += 8;
        }

        return bytes;
    }

    public static bool TryDecode(ReadOnlySpan<byte> bytes, out FeedResumePoint? point)
    {
        point = null;
        if (bytes.Length < 7 || bytes[0] != FormatVersion)
        {
            return false;
        }

        int sourceBytes = BinaryPrimitives.ReadUInt16LittleEndian(bytes[1..]);
        if (bytes.Length < 3 + sourceBytes + 4)
        {
            return false;
        }

        string source = Encoding.UTF8.GetString(bytes.Slice(3, sourceBytes));
        int at = 3 + sourceBytes;
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
        at += 4;
        if (count < 0 || bytes.Length != at + (8L * count))
        {
            return false;
        }

        var positions = new long[count];
        for (int i = 0; i < count; i++, at += 8)
        {
            positions[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]);
        }

        point = new FeedResumePoint(source, positions);
        return true;
    }

    public override string ToString() => $"{Source}@[{string.Join(',', Positions)}]";
}
