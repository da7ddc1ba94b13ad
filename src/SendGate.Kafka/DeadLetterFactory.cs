using System.Text;
using Google.Protobuf;
using SendGate.Contracts;
using SendGate.Contracts.V1;
using SendGate.Core.Consent;
using SendGate.Core.Hashing;
using SendGate.Core.Recipients;
using Channel = SendGate.Core.Domain.Channel;

namespace SendGate.Kafka;

/// <summary>
/// Builds the <see cref="DeadLetter"/> for an event the gate cannot apply: the reason, the
/// event's coordinates, the original key and value — with any plaintext address replaced by
/// its recipient key (a decodable event) or masked (bytes that do not decode), so that the
/// dead-letter topic never holds an address.
/// </summary>
public sealed class DeadLetterFactory(RecipientHasher hasher, TimeProvider clock)
{
    /// <summary>The two key shapes our events use: a consent key (wire form) and a recipient key.</summary>
    private static readonly int[] BinaryKeyLengths = [ConsentKey.WireSize, RecipientKey.Size];

    public DeadLetter Create(string reason, string topic, int partition, long offset, byte[]? key, byte[]? value, FeedEvent? decoded)
    {
        bool redacted = false;
        byte[] originalKey = key ?? [];
        if (originalKey.Length > 0 && !BinaryKeyLengths.Contains(originalKey.Length))
        {
            originalKey = (byte[])originalKey.Clone();
            redacted |= PlaintextMask.Apply(originalKey);
        }

        byte[] originalValue;
        if (decoded is not null)
        {
            var copy = decoded.Clone();
            redacted |= Redact(copy);
            originalValue = redacted ? copy.ToByteArray() : value ?? [];
        }
        else
        {
            originalValue = (byte[])(value ?? []).Clone();
            redacted |= PlaintextMask.Apply(originalValue);
        }

        return new DeadLetter
        {
            Reason = reason,
            Topic = topic,
            Partition = partition,
            Offset = offset,
            OriginalKey = ByteString.CopyFrom(originalKey),
            OriginalValue = ByteString.CopyFrom(originalValue),
            Redacted = redacted,
            DeadLetteredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
        };
    }

    /// <summary>Replaces a plaintext address in the event by its recipient key; true when there was one.</summary>
    private bool Redact(FeedEvent feedEvent)
    {
        switch (feedEvent.EventCase)
        {
            case FeedEvent.EventOneofCase.ConsentChanged when feedEvent.ConsentChanged.RecipientCase == ConsentChanged.RecipientOneofCase.Address:
            {
                var changed = feedEvent.ConsentChanged;
                changed.RecipientKey = KeyOf(changed.Address, changed.Channel.ToDomain());
                return true;
            }

            case FeedEvent.EventOneofCase.LineClosed when feedEvent.LineClosed.RecipientCase == LineClosed.RecipientOneofCase.Address:
            {
                var closed = feedEvent.LineClosed;
                closed.RecipientKey = KeyOf(closed.Address, closed.Address.Contains('@', StringComparison.Ordinal) ? Channel.Eposta : Channel.Mesaj);
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>The address's recipient key; an address that does not normalize is hashed as written (still one-way).</summary>
    private ByteString KeyOf(string address, Channel channel)
    {
        var key = hasher.TryHash(address, channel, out var normalized) == RecipientError.None
            ? normalized
            : hasher.HashNormalized(Encoding.UTF8.GetBytes(address));
        return ByteString.CopyFrom(key.ToArray());
    }
}
