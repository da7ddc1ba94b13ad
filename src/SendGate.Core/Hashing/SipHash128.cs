using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace SendGate.Core.Hashing;

/// <summary>
/// SipHash-2-4 with 128-bit output (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
/// 2012; the 128-bit variant as in the authors' reference implementation). A keyed
/// pseudorandom function: without the key, its outputs for the ~10^10 Turkish phone numbers
/// cannot be enumerated, which an unkeyed hash would allow.
/// </summary>
public static class SipHash128
{
    private const ulong C0 = 0x736f6d6570736575UL;
    private const ulong C1 = 0x646f72616e646f6dUL;
    private const ulong C2 = 0x6c7967656e657261UL;
    private const ulong C3 = 0x7465646279746573UL;

    /// <summary>Hashes <paramref name="message"/> under the key (k0, k1) (the key's two little-endian halves).</summary>
    public static RecipientKey Hash(ulong k0, ulong k1, ReadOnlySpan<byte> message)
    {
        ulong v0 = k0 ^ C0;
        ulong v1 = k1 ^ C1 ^ 0xee;
        ulong v2 = k0 ^ C2;
        ulong v3 = k1 ^ C3;

        int blocks = message.Length & ~7;
        for (int i = 0; i < blocks; i += 8)
        {
            ulong m = BinaryPrimitives.ReadUInt64LittleEndian(message.Slice(i, 8));
            v3 ^= m;
            Round(ref v0, ref v1, ref v2, ref v3);
            Round(ref v0, ref v1, ref v2, ref v3);
            v0 ^= m;
        }

        ulong last = (ulong)message.Length << 56;
        var tail = message[blocks..];
        for (int i = 0; i < tail.Length; i++)
        {
            last |= (ulong)tail[i] << (8 * i);
        }

        v3 ^= last;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= last;

        v2 ^= 0xee;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        ulong lo = v0 ^ v1 ^ v2 ^ v3;

        v1 ^= 0xdd;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        ulong hi = v0 ^ v1 ^ v2 ^ v3;

        return new RecipientKey(lo, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1;
        v1 = BitOperations.RotateLeft(v1, 13);
        v1 ^= v0;
        v0 = BitOperations.RotateLeft(v0, 32);
        v2 += v3;
        v3 = BitOperations.RotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = BitOperations.RotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = BitOperations.RotateLeft(v1, 17);
        v1 ^= v2;
        v2 = BitOperations.RotateLeft(v2, 32);
    }
}
