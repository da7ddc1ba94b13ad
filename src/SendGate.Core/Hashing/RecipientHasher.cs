using SendGate.Core.Domain;
using SendGate.Core.Recipients;

namespace SendGate.Core.Hashing;

/// <summary>
/// Normalize-then-hash: the one way a written recipient becomes a <see cref="RecipientKey"/>.
/// Every producer of keys (the gate, the publisher, the CLI) goes through here, so that the
/// same address always yields the same key under the same <see cref="HashingKey"/>.
/// </summary>
public sealed class RecipientHasher(HashingKey key)
{
    private readonly ulong _k0 = key.K0;
    private readonly ulong _k1 = key.K1;

    public uint KeyId { get; } = key.KeyId;

    /// <summary>Hashes an already normalized address.</summary>
    public RecipientKey HashNormalized(ReadOnlySpan<byte> normalized) => SipHash128.Hash(_k0, _k1, normalized);

    /// <summary>Normalizes a recipient as written (UTF-8) for <paramref name="channel"/> and hashes it.</summary>
    public RecipientError TryHash(ReadOnlySpan<byte> utf8, Channel channel, out RecipientKey recipientKey)
    {
        Span<byte> normalized = stackalloc byte[RecipientNormalizer.MaxNormalizedLength];
        var error = RecipientNormalizer.TryNormalize(utf8, channel, normalized, out int length);
        recipientKey = error == RecipientError.None ? SipHash128.Hash(_k0, _k1, normalized[..length]) : default;
        return error;
    }

    /// <summary>The same for text.</summary>
    public RecipientError TryHash(ReadOnlySpan<char> text, Channel channel, out RecipientKey recipientKey)
    {
        Span<byte> normalized = stackalloc byte[RecipientNormalizer.MaxNormalizedLength];
        var error = RecipientNormalizer.TryNormalize(text, channel, normalized, out int length);
        recipientKey = error == RecipientError.None ? SipHash128.Hash(_k0, _k1, normalized[..length]) : default;
        return error;
    }
}
