using Confluent.Kafka;

namespace SendGate.Kafka;

/// <summary>
/// Stores the applied offsets for the consumer's auto-commit — the group's committed offsets
/// are for monitoring lag with standard tools; the state is bound to the checkpoint's offsets,
/// not to these. Only what is applied (or dead-lettered) is ever stored, and each partition's
/// offset only when it moved: one native call per stream (<see cref="FeedStreams"/>) per batch, not per message.
/// </summary>
internal sealed class AppliedOffsets(FeedStreams streams)
{
    private long[] _stored = [];

    public void Store<TKey, TValue>(IConsumer<TKey, TValue> consumer, long[] applied)
    {
        if (_stored.Length != applied.Length)
        {
            _stored = streams.Resize(_stored, streams.Partitions(applied.Length), _ => 0); // the consent topic grew
        }

        for (int index = 0; index < applied.Length; index++)
        {
            if (applied[index] > _stored[index])
            {
                consumer.StoreOffset(new TopicPartitionOffset(streams.At(index, applied.Length), applied[index]));
                _stored[index] = applied[index];
            }
        }
    }
}
