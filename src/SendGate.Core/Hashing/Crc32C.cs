using System.Buffers.Binary;
using System.Numerics;

namespace SendGate.Core.Hashing;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of snapshot and checkpoint files. BitOperations.Crc32C uses the CPU's
/// crc32 instruction where there is one (~8 bytes a cycle-ish), a table otherwise.
/// </summary>
public static class Crc32C
{
    public const uint Initial = 0xFFFF_FFFF;

    /// <summary>Continues a running checksum (start from <see cref="Initial"/>; finish with <see cref="Finish"/>).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }

    public static uint Finish(uint crc) => ~crc;

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Initial, data));
}
