using Confluent.Kafka;

namespace SendGate.Kafka.Tests;

/// <summary>
/// The one vector of positions a Kafka-fed gate keeps over the consent partitions and the closure topic's partition:
/// how it is laid out, what a shard reads of it, how it carries over when the consent topic grows, and how a
/// freshness probe taken before the growth is treated.
/// </summary>
public sealed class FeedStreamsTests
{
    private static readonly ShardMembership Whole = new(new ShardOptions());

    [Fact]
    public void TheClosureTopic_IsLast_AndEveryShardReadsIt()
    {
        var shard = new ShardMembership(new ShardOptions { Partitions = [1] });
        var streams = new FeedStreams("consents", "consents.closures", shard);

        Assert.Equal(4, streams.Length(3));
        Assert.Equal(new TopicPartition("consents", 2), streams.At(2, 4));
        Assert.Equal(new TopicPartition("consents.closures", 0), streams.At(3, 4));
        Assert.Equal(3, streams.IndexOf("consents.closures", 0, 4));
        Assert.Equal(2, streams.IndexOf("consents", 2, 4));
        Assert.Equal([0L, 20, 0, 40], streams.Mask([10, 20, 30, 40])); // partition 1 and the closures
        Assert.Equal(["consents [[1]] @20", "consents.closures [[0]] @40"], streams.Assignment([10, 20, 30, 40]).Select(start => start.ToString()));
    }

    [Fact]
    public void WithoutAClosureTopic_TheVectorIsThePartitions()
    {
        var streams = new FeedStreams("consents", null, Whole);

        Assert.Equal(3, streams.Length(3));
        Assert.False(streams.IsClosures(2, 3));
        Assert.Equal(new TopicPartition("consents", 2), streams.At(2, 3));
        Assert.Equal([5L, 6, 7, -1], streams.Resize([5, 6, 7], 4, _ => -1));
    }

    [Fact]
    public void Resize_KeepsTheClosuresLast_WhenTheConsentTopicGrowsOrShrinks()
    {
        var streams = new FeedStreams("consents", "consents.closures", Whole);

        Assert.Equal([5L, 6, 100, 101, 9], streams.Resize([5, 6, 9], 4, partition => 98 + partition));
        Assert.Equal([5L, 9], streams.Resize([5, 6, 9], 1, _ => -1));
        Assert.Equal([-1L, -1], streams.Resize([], 1, _ => -1)); // nothing recorded: all from the fill
    }

    [Fact]
    public void AProbeTakenBeforeTheTopicGrew_IsDroppedUnsatisfied_AndALaterOneCounts()
    {
        var probes = new FreshnessProbes();
        var early = DateTimeOffset.UnixEpoch;
        probes.Add(new FreshnessProbes.Probe(early, [10, 1000])); // one consent partition, then the closures
        probes.Add(new FreshnessProbes.Probe(early.AddSeconds(1), [10, 5, 1000]));

        // Grown to two consent partitions: under the old layout the probe's closure end (1000) would be read as
        // partition 1's, which only the later probe says is 5.
        Assert.Equal(early.AddSeconds(1), probes.Satisfied([10, 5, 1000])?.At);
        Assert.Equal(0, probes.Pending);

        probes.Add(new FreshnessProbes.Probe(early.AddSeconds(2), [10, 1000]));
        Assert.Null(probes.Satisfied([10, 5, 1000])); // dropped, not taken as satisfied
        Assert.Equal(0, probes.Pending);
    }
}
