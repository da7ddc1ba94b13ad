using Confluent.Kafka;

namespace SendGate.Kafka;

/// <summary>
/// Stores the applied offsets for the consumer's auto-commit — the group's committed offsets
/// are for monitoring lag with standard tools; the state is bound to the checkpoint's offsets,
/// not to these. Only what is applied (or dead-lettered) is ever stored, and each partition's
/// offset only when it moved: one native call per partition per batch, not per message.
/// </summary>
internal sealed class AppliedOffsets(string topic)
{
    private long[] _stored = [];

    public void Store<TKey, TValue>(IConsumer<TKey, TValue> consumer, long[] applied)
    {
        if (_stored.Length < applied.Length)
        {
            Array.Resize(ref _stored, applied.Length);
        }

        for (int partition = 0; partition < applied.Length; partition++)
        {
            if (applied[partition] > _stored[partition])
            {
                consumer.StoreOffset(new TopicPartitionOffset(topic, partition, applied[partition]));
                _stored[partition] = applied[partition];
            }
        }
    }
}
