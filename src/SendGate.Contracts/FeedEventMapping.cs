using Google.Protobuf;
using SendGate.Core.Consent;

namespace SendGate.Contracts;

/// <summary>
/// Decodes Kafka payloads (<see cref="V1.FeedEvent"/>) into validated domain changes, and
/// encodes domain changes into payloads. Every source of events ends in
/// <see cref="FeedEventFactory"/>, so the acceptance rules live in one place.
/// </summary>
public static class FeedEventMapping
{
    /// <summary>A Kafka payload to a validated change or closure, or why it cannot be applied (<see cref="FeedEventReader"/>).</summary>
    public static DecodedEvent Decode(ReadOnlySpan<byte> payload, FeedEventFactory factory) => FeedEventReader.Decode(payload, factory);

    /// <summary>
    /// An event already parsed by Google.Protobuf to a validated change or closure: for a caller holding the message
    /// object, and the reference <see cref="FeedEventReader"/> is tested and measured against.
    /// </summary>
    public static DecodedEvent Decode(V1.FeedEvent feedEvent, FeedEventFactory factory)
    {
        ArgumentNullException.ThrowIfNull(feedEvent);
        ArgumentNullException.ThrowIfNull(factory);
        switch (feedEvent.EventCase)
        {
            case V1.FeedEvent.EventOneofCase.ConsentChanged:
                var changed = feedEvent.ConsentChanged;
                return factory.Create(new ConsentChangeInput
                {
                    IysCode = changed.IysCode,
                    BrandCode = changed.BrandCode,
                    Channel = changed.Channel.ToDomain(),
                    RecipientType = changed.RecipientType.ToDomain(),
                    Status = changed.Status.ToDomain(),
                    ConsentDate = changed.ConsentDate.ToConsentTime(),
                    ModifiedAt = changed.ModifiedAt.ToConsentTime(),
                    Recipient = changed.RecipientCase == V1.ConsentChanged.RecipientOneofCase.RecipientKey
                        ? RecipientInput.FromKey(changed.RecipientKey.Memory, feedEvent.KeyId)
                        : new RecipientInput(changed.Address, default, false, 0),
                    Source = Core.Domain.ConsentSource.Intern(changed.Source),
                    TransactionId = changed.TransactionId,
                    RetailerCode = changed.RetailerCode,
                    RetailerAccess = changed.RetailerAccess.Count == 0 ? [] : [.. changed.RetailerAccess],
                });
            case V1.FeedEvent.EventOneofCase.LineClosed:
                var closed = feedEvent.LineClosed;
                var recipient = closed.RecipientCase == V1.LineClosed.RecipientOneofCase.RecipientKey
                    ? RecipientInput.FromKey(closed.RecipientKey.Memory, feedEvent.KeyId)
                    : new RecipientInput(closed.Address, default, false, 0);
                return factory.Create(recipient, closed.ClosedAt.ToConsentTime());
            default:
                return DecodedEvent.Rejected(FeedEventError.Empty);
        }
    }

    /// <summary>The payload our own tools publish: keys only, never an address.</summary>
    public static V1.FeedEvent ToEvent(ConsentChange change, uint keyId)
    {
        ArgumentNullException.ThrowIfNull(change);
        var record = change.Record;
        var changed = new V1.ConsentChanged
        {
            IysCode = record.IysCode,
            BrandCode = change.Key.BrandCode,
            Channel = change.Key.Channel.ToWire(),
            RecipientType = change.Key.RecipientType.ToWire(),
            RecipientKey = ByteString.CopyFrom(change.Key.Recipient.ToArray()),
            Status = record.Status.ToWire(),
            Source = record.Source,
            ConsentDate = record.ConsentDate.ToTimestamp(),
            ModifiedAt = record.ModifiedAt.ToTimestamp(),
            TransactionId = record.TransactionId,
            RetailerCode = record.RetailerCode,
        };
        changed.RetailerAccess.AddRange(record.RetailerAccess);
        return new V1.FeedEvent { ConsentChanged = changed, KeyId = keyId };
    }

    public static V1.FeedEvent ToEvent(LineClosure closure, uint keyId) => new()
    {
        LineClosed = new V1.LineClosed
        {
            RecipientKey = ByteString.CopyFrom(closure.Recipient.ToArray()),
            ClosedAt = closure.ClosedAt.ToTimestamp(),
        },
        KeyId = keyId,
    };

    /// <summary>The Kafka message key: the consent key for changes (so compaction keeps the latest per tuple), the recipient key for closures.</summary>
    public static byte[] MessageKey(ConsentChange change) => change?.Key.ToWireBytes() ?? throw new ArgumentNullException(nameof(change));

    public static byte[] MessageKey(LineClosure closure) => closure.Recipient.ToArray();
}
