using Confluent.Kafka;
using Google.Protobuf;
using SendGate.Contracts;
using SendGate.Contracts.V1;
using SendGate.Core.Consent;
using SendGate.Core.Domain;

namespace SendGate.Kafka;

/// <summary>
/// Writes a refusal the sender received: first to the opt-out topic (sealed, for the İYS connector to upload), then
/// to the consent topic as the RET every gate applies — each acknowledged by the broker before the next. A failure
/// throws, and the caller retries the same refusal, which keeps its id (the upload happens once). On a brand-placed
/// consent topic the RET goes to its brand's partition (<paramref name="placement"/>: the topic's placement as the
/// gate's feed knows it; null, or returning null, for placement by key).
/// </summary>
public sealed class OptOutPublisher(IProducer<byte[]?, byte[]?> producer, string consentTopic, string optOutTopic, uint keyId, Func<PlacementMap?>? placement = null) : IDisposable
{
    /// <exception cref="ProduceException{TKey, TValue}">The broker did not acknowledge one of the two.</exception>
    public async Task PublishAsync(OptOutRecorded record, ConsentChange refusal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await producer.ProduceAsync(optOutTopic, new Message<byte[]?, byte[]?> { Key = System.Text.Encoding.UTF8.GetBytes(record.OptOutId), Value = record.ToByteArray() }, cancellationToken).ConfigureAwait(false);
        ArgumentNullException.ThrowIfNull(refusal);
        var destination = new TopicPartition(consentTopic, placement?.Invoke()?.PartitionOf(refusal.Key.BrandCode, refusal.Key.Recipient) ?? Partition.Any);
        await producer.ProduceAsync(destination, new Message<byte[]?, byte[]?> { Key = FeedEventMapping.MessageKey(refusal), Value = FeedEventMapping.ToEvent(refusal, keyId).ToByteArray() }, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => producer.Dispose();
}
