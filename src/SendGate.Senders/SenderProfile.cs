using SendGate.Contracts.V1;

namespace SendGate.Senders;

/// <summary>What one Check asks on a sender's behalf, short of the recipients: questions with equal profiles share a batch.</summary>
public sealed record SenderProfile(uint IysCode, uint BrandCode, Channel Channel, RecipientType RecipientType, MessageKind Kind, uint RetailerCode);
