using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Iys.Sync.Api;
using SendGate.Kafka;

namespace SendGate.Iys.Sync;

/// <summary>What became of one İYS item: published (with its İYS time), or dead-lettered with a reason.</summary>
internal readonly record struct ItemOutcome(string? Rejection, ConsentTime ModifiedAt)
{
    public bool Published => Rejection is null;
}

/// <summary>
/// One İYS item — a PULL page's or a push's — to the consent topic, the same way from both: decoded by the one PULL
/// decoder (hashed on arrival, a citizen's name never read, iysCode and brandCode from the path when the item has
/// none), published, or — when the gate cannot use it — dead-lettered with its reason and only the fields that
/// identify the change (<see cref="PageRedaction"/>), never the recipient.
/// </summary>
internal sealed class IysItemPublisher
{
    private readonly FeedEventFactory _factory;
    private readonly DeadLetterFactory _deadLetters;
    private readonly ConsentPublisher _publisher;
    private readonly string _deadLetterTopic;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<IysBrand, IysLineDecoder> _decoders = new();

    public IysItemPublisher(HashingKey key, TimeProvider clock, ConsentPublisher publisher, string deadLetterTopic)
    {
        var hasher = new RecipientHasher(key);
        _factory = new FeedEventFactory(hasher, clock);
        _deadLetters = new DeadLetterFactory(hasher, clock);
        _publisher = publisher;
        _deadLetterTopic = deadLetterTopic;
    }

    /// <summary>Decodes and publishes <paramref name="item"/> (its acknowledgement counted in <paramref name="tally"/> when given).</summary>
    public ItemOutcome Publish(ReadOnlySpan<byte> item, IysBrand brand, string origin, long sequence, DeliveryTally? tally = null)
    {
        var decoded = _decoders.GetOrAdd(brand, static (b, factory) => IysLineDecoder.ForPull(factory, b.IysCode, b.BrandCode), _factory).Decode(item);
        switch (decoded.Kind)
        {
            case DecodedEventKind.Change:
                _publisher.Publish(decoded.Change!, tally);
                return new ItemOutcome(null, decoded.Change!.Record.State.ModifiedAt);
            case DecodedEventKind.Closure:
                _publisher.Publish(decoded.Closure!.Value, tally);
                return new ItemOutcome(null, ConsentTime.None);
            default:
                DeadLetter(item, decoded.Rejection!, origin, sequence, tally);
                return new ItemOutcome(decoded.Rejection, ConsentTime.None);
        }
    }

    /// <summary>Sends <paramref name="item"/>, redacted, to the dead-letter topic with <paramref name="reason"/>.</summary>
    public void DeadLetter(ReadOnlySpan<byte> item, string reason, string origin, long sequence, DeliveryTally? tally = null) =>
        _publisher.PublishDeadLetter(_deadLetterTopic, _deadLetters.Create(reason, origin, -1, sequence, null, PageRedaction.Redact(item), null), tally);
}
