using System.Buffers;
using System.Runtime.CompilerServices;

namespace SendGate.Contracts;

/// <summary>
/// The few protobuf wire-format primitives our span codecs need (protobuf.dev/programming-guides/encoding): the
/// gate's Check request view and response writer, and the feed's event reader — where Google.Protobuf's object
/// graph would cost an allocation per field.
/// </summary>
public static class ProtoWire
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    /// <summary>Reads a varint at <paramref name="position"/>; throws <see cref="InvalidDataException"/> when truncated or longer than 10 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        if ((uint)position < (uint)data.Length && data[position] < 0x80)
        {
            return data[position++];
        }

        return ReadVarintSlow(data, ref position);
    }

    public static int ReadLength(ReadOnlySpan<byte> data, ref int position)
    {
        ulong length = ReadVarint(data, ref position);
        if (length > (ulong)(data.Length - position))
        {
            throw new InvalidDataException("A length-delimited field runs past the end of the message.");
        }

        return (int)length;
    }

    /// <summary>Skips a field of an unknown number, as protobuf requires.</summary>
    public static void Skip(ReadOnlySpan<byte> data, ref int position, int wireType)
    {
        switch (wireType)
        {
            case Varint:
                ReadVarint(data, ref position);
                break;
            case Fixed64:
                Advance(data, ref position, 8);
                break;
            case LengthDelimited:
                int length = ReadLength(data, ref position); // not "position += ReadLength(...)": that adds to the old position
                position += length;
                break;
            case Fixed32:
                Advance(data, ref position, 4);
                break;
            default:
                throw new InvalidDataException($"Unsupported wire type {wireType}.");
        }
    }

    public static void Advance(ReadOnlySpan<byte> data, ref int position, int count)
    {
        if (count > data.Length - position)
        {
            throw new InvalidDataException("A field runs past the end of the message.");
        }

        position += count;
    }

    public static int VarintSize(ulong value) => value < 0x80 ? 1 : (64 - System.Numerics.BitOperations.LeadingZeroCount(value) + 6) / 7;

    public static int WriteVarint(Span<byte> destination, ulong value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Writes a varint into a buffer writer (at most 10 bytes).</summary>
    public static void WriteVarint(IBufferWriter<byte> writer, ulong value) => writer.Advance(WriteVarint(writer.GetSpan(10), value));

    /// <summary>Copies bytes into a buffer writer in whatever pieces it offers (a reasons block can be 100 KB).</summary>
    public static void WriteBytes(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var span = writer.GetSpan(Math.Min(bytes.Length, 64 * 1024));
            int n = Math.Min(span.Length, bytes.Length);
            bytes[..n].CopyTo(span);
            writer.Advance(n);
            bytes = bytes[n..];
        }
    }

    private static ulong ReadVarintSlow(ReadOnlySpan<byte> data, ref int position)
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if ((uint)position >= (uint)data.Length)
            {
                throw new InvalidDataException("A varint runs past the end of the message.");
            }

            byte b = data[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new InvalidDataException("A varint is longer than 10 bytes.");
    }
}
