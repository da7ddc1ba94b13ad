using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Core.Recipients;

namespace SendGate.Core.Consent;

/// <summary>
/// A consent change as decoded from any source (Kafka protobuf, İYS JSON Lines, İYS CSV),
/// before validation. Times are <see cref="ConsentTime.None"/> when absent or unrepresentable.
/// The recipient is an address as written or a 16-byte key, not both.
/// </summary>
public readonly record struct ConsentChangeInput
{
    public uint IysCode { get; init; }

    public uint BrandCode { get; init; }

    public Channel Channel { get; init; }

    public RecipientType RecipientType { get; init; }

    public ConsentStatus Status { get; init; }

    public ConsentTime ConsentDate { get; init; }

    public ConsentTime ModifiedAt { get; init; }

    public RecipientInput Recipient { get; init; }

    public string? Source { get; init; }

    public string? TransactionId { get; init; }

    public string? RetailerCode { get; init; }

    public IReadOnlyList<string>? RetailerAccess { get; init; }
}

/// <summary>A recipient as an event carries it: an address as written, or a key (with the id of the hashing key it was made with; 0 if unstated).</summary>
public readonly record struct RecipientInput(string? Address, ReadOnlyMemory<byte> Key, bool HasKey, uint KeyId)
{
    /// <summary>True when a decoder has already normalized and hashed the address from its bytes (no string made): see <see cref="Hashed"/>.</summary>
    public bool IsHashedAddress { get; private init; }

    /// <summary>The hashed address's key, or why the address did not normalize.</summary>
    public (RecipientKey Key, RecipientError Error) Hashed { get; private init; }

    public bool HasAddress => IsHashedAddress || !string.IsNullOrEmpty(Address);

    public static RecipientInput FromAddress(string address) => new(address, default, false, 0);

    /// <summary>An address given as UTF-8, normalized for <paramref name="channel"/> and hashed at once (the string-free path of a bulk decoder).</summary>
    public static RecipientInput FromAddress(ReadOnlySpan<byte> utf8, Channel channel, RecipientHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        var error = hasher.TryHash(utf8, channel, out var key);
        return new RecipientInput(null, default, false, 0) { IsHashedAddress = true, Hashed = (key, error) };
    }

    /// <summary>This input with also a key: the event carries both (which is refused).</summary>
    public RecipientInput WithKey(ReadOnlyMemory<byte> key, uint keyId) => this with { Key = key, HasKey = true, KeyId = keyId };

    public static RecipientInput FromKey(ReadOnlyMemory<byte> key, uint keyId) => new(null, key, true, keyId);

    /// <summary>True when a decoder has already read the key from bytes it could not keep: see <see cref="CheckedKey"/>.</summary>
    public bool IsCheckedKey { get; private init; }

    /// <summary>The key read from its bytes; null when they are not a key's 16 bytes.</summary>
    public RecipientKey? CheckedKey { get; private init; }

    /// <summary>A key given as bytes the decoder does not keep (a span of a batch): read now, judged by the factory as any key.</summary>
    public static RecipientInput FromKeyBytes(ReadOnlySpan<byte> key, uint keyId) =>
        new(null, default, true, keyId) { IsCheckedKey = true, CheckedKey = RecipientKey.TryFromBytes(key, out var read) ? read : null };
}
