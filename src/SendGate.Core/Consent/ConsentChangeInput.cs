using SendGate.Core.Domain;

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
    public static RecipientInput FromAddress(string address) => new(address, default, false, 0);

    public static RecipientInput FromKey(ReadOnlyMemory<byte> key, uint keyId) => new(null, key, true, keyId);
}
