using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SendGate.Core.Hashing;

/// <summary>
/// The 16-byte keyed hash of a normalized recipient address: the only form in which a
/// recipient is stored, logged or published. Bytes are the SipHash-128 output in its
/// standard order: <see cref="Lo"/> little-endian, then <see cref="Hi"/> little-endian.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct RecipientKey(ulong Lo, ulong Hi)
{
    public const int Size = 16;

    public bool IsZero => (Lo | Hi) == 0;

    public static RecipientKey FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A recipient key is {Size} bytes, not {bytes.Length}.", nameof(bytes));
        }

        return new RecipientKey(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]));
    }

    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out RecipientKey key)
    {
        if (bytes.Length != Size)
        {
            key = default;
            return false;
        }

        key = new RecipientKey(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]));
        return true;
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Lo);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], Hi);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Lower-case hex of the 16 bytes: safe to log (a keyed hash, not an address).</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
