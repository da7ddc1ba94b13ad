using SendGate.Core.Hashing;

namespace SendGate.Core.Consent;

/// <summary>A validated consent change, recipient already hashed: what the index and store apply.</summary>
public sealed record ConsentChange(ConsentKey Key, ConsentRecord Record);

/// <summary>A validated line closure: voids the recipient's consents not newer than <see cref="ClosedAt"/>.</summary>
public readonly record struct LineClosure(RecipientKey Recipient, Domain.ConsentTime ClosedAt);
