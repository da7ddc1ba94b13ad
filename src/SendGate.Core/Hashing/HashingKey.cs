using System.Buffers.Binary;
using System.Text;

namespace SendGate.Core.Hashing;

/// <summary>
/// The secret 128-bit key of the recipient PRF. It comes from configuration, never from code,
/// and is never logged: <see cref="ToString"/> shows only <see cref="KeyId"/>, a public
/// fingerprint that lets a gate refuse keys or events made under another key.
/// </summary>
public sealed class HashingKey
{
    public const int Size = 16;

    private static readonly byte[] KeyIdLabel = Encoding.ASCII.GetBytes("sendgate/v1/key-id");

    private HashingKey(ulong k0, ulong k1)
    {
        K0 = k0;
        K1 = k1;
        uint id = (uint)SipHash128.Hash(k0, k1, KeyIdLabel).Lo;
        KeyId = id == 0 ? 1 : id; // 0 means "not stated" on the wire

    }

    internal ulong K0 { get; }

    internal ulong K1 { get; }

    /// <summary>A public 32-bit fingerprint of the key (the PRF of a fixed label): identifies, does not reveal.</summary>
    public uint KeyId { get; }

    public static HashingKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != Size)
        {
            throw new ArgumentException($"The hashing key must be {Size} bytes; got {key.Length}.", nameof(key));
        }

        return new HashingKey(BinaryPrimitives.ReadUInt64LittleEndian(key), BinaryPrimitives.ReadUInt64LittleEndian(key[8..]));
    }

    /// <summary>Parses the configured base64 form (<c>Hashing:Key</c>), with a message that never echoes the key.</summary>
    public static bool TryParseBase64(string? base64, out HashingKey? key, out string error)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(base64))
        {
            error = "no hashing key is configured (Hashing:Key, 16 random bytes in base64; e.g. `openssl rand -base64 16`)";
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size + 3];
        if (!Convert.TryFromBase64String(base64.Trim(), bytes, out int written) || written != Size)
        {
            error = $"the hashing key must be exactly {Size} bytes in base64";
            return false;
        }

        key = FromBytes(bytes[..Size]);
        bytes.Clear();
        error = string.Empty;
        return true;
    }

    public static HashingKey ParseBase64(string base64) =>
        TryParseBase64(base64, out var key, out string error) ? key! : throw new FormatException(error);

    public override string ToString() => $"HashingKey(id={KeyId:x8})";
}
