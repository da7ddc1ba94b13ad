using Confluent.Kafka;

namespace SendGate.Kafka;

/// <summary>
/// What a Kafka-fed gate reads, as the one vector of positions the feed keeps (batches, checkpoints, freshness
/// probes): the consent topic's partitions by number, then — when line closures have a topic of their own — that
/// topic's single partition, last. A vector describes itself by its length, so one taken before the consent topic
/// grew still reads right after. Of the consent partitions a shard reads its own (<see cref="ShardMembership"/>);
/// the closures, every gate reads.
/// </summary>
internal sealed class FeedStreams(string consents, string? closures, ShardMembership shard)
{
    public string Consents => consents;

    /// <summary>The closure topic; null when closures are on the consent topic.</summary>
    public string? Closures => closures;

    /// <summary>The vector's length for a consent topic of <paramref name="partitions"/> partitions.</summary>
    public int Length(int partitions) => partitions + (closures is null ? 0 : 1);

    /// <summary>How many consent partitions a vector of <paramref name="length"/> covers.</summary>
    public int Partitions(int length) => length - (closures is null ? 0 : 1);

    public bool IsClosures(int index, int length) => closures is not null && index == length - 1;

    /// <summary>The topic and partition at <paramref name="index"/> of a vector of <paramref name="length"/>.</summary>
    public TopicPartition At(int index, int length) => IsClosures(index, length) ? new TopicPartition(closures, 0) : new TopicPartition(consents, index);

    /// <summary>Where a message of <paramref name="topic"/> and <paramref name="partition"/> is in a vector of <paramref name="length"/>.</summary>
    public int IndexOf(string topic, int partition, int length) => IndexOf(closures is not null && topic == closures, partition, length);

    /// <summary>Where a message of the closure topic (<paramref name="closureTopic"/>) or of consent partition <paramref name="partition"/> is in a vector of <paramref name="length"/>.</summary>
    public static int IndexOf(bool closureTopic, int partition, int length) => closureTopic ? length - 1 : partition;

    /// <summary>Whether this gate reads the stream at <paramref name="index"/>: the closures always, a consent partition if its shard's.</summary>
    public bool Reads(int index, int length) => IsClosures(index, length) || shard.Holds(index);

    /// <summary>The vector with what this gate does not read zeroed: a freshness probe is satisfied by what it reads.</summary>
    public long[] Mask(long[] ends)
    {
        var masked = new long[ends.Length];
        for (int index = 0; index < ends.Length; index++)
        {
            masked[index] = Reads(index, ends.Length) ? ends[index] : 0;
        }

        return masked;
    }

    /// <summary>
    /// <paramref name="vector"/> laid out for a consent topic of <paramref name="partitions"/> partitions: consent
    /// partitions it lacks take <paramref name="fill"/>'s value for them, those beyond are dropped, and the closures
    /// stay last.
    /// </summary>
    public long[] Resize(IReadOnlyList<long> vector, int partitions, Func<int, long> fill)
    {
        int had = Math.Max(0, Partitions(vector.Count));
        var resized = new long[Length(partitions)];
        for (int index = 0; index < resized.Length; index++)
        {
            resized[index] = IsClosures(index, resized.Length) ? (vector.Count > had ? vector[^1] : fill(index))
                : index < had ? vector[index]
                : fill(index);
        }

        return resized;
    }

    /// <summary>The read streams of a vector of starting offsets, for the consumer's assignment.</summary>
    public IEnumerable<TopicPartitionOffset> Assignment(long[] starts, int from = 0) =>
        Enumerable.Range(from, starts.Length - from).Where(index => Reads(index, starts.Length)).Select(index => new TopicPartitionOffset(At(index, starts.Length), starts[index]));
}
