using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using SendGate.Feed.Pipeline;

namespace SendGate.Kafka;

/// <summary>
/// What the broker says about the topics a gate reads (<see cref="FeedStreams"/>): how many partitions the
/// consent topic has, and where each stream begins and ends. At start-up the answers are waited for — the broker
/// or a topic may not be there yet — with a log line per attempt.
/// </summary>
internal sealed class PartitionDiscovery(KafkaFeedOptions options, FeedStreams streams, ILogger logger, TimeProvider clock)
{
    /// <summary>The consent topic's partition count; 0 when it does not exist (yet).</summary>
    public int PartitionCount(IAdminClient admin) => PartitionCount(admin, streams.Consents);

    /// <summary>Low and high watermarks of consent partitions [<paramref name="from"/>, <paramref name="to"/>), one broker round trip each.</summary>
    public (long[] Lows, long[] Highs) Offsets<TKey, TValue>(IConsumer<TKey, TValue> consumer, int from, int to)
    {
        var lows = new long[to - from];
        var highs = new long[to - from];
        for (int partition = from; partition < to; partition++)
        {
            (lows[partition - from], highs[partition - from]) = Watermarks(consumer, new TopicPartition(streams.Consents, partition));
        }

        return (lows, highs);
    }

    /// <summary>Every stream's low and high watermarks, laid out as <see cref="FeedStreams"/> says.</summary>
    public (long[] Lows, long[] Highs) Ends<TKey, TValue>(IConsumer<TKey, TValue> consumer, int partitions)
    {
        var (lows, highs) = Offsets(consumer, 0, partitions);
        if (streams.Closures is null)
        {
            return (lows, highs);
        }

        var (low, high) = Watermarks(consumer, new TopicPartition(streams.Closures, 0));
        return ([.. lows, low], [.. highs, high]);
    }

    /// <summary>
    /// The consent topic's partition count once it — and the closure topic, if any — exists.
    /// </summary>
    /// <exception cref="FeedSourceException">The closure topic has more than one partition.</exception>
    public int WaitForPartitions(IAdminClient admin, CancellationToken cancellationToken)
    {
        if (streams.Closures is { } closures)
        {
            int count = UntilAvailable<int>(closures, () => PartitionCount(admin, closures) is var found and > 0 ? found : null, "the topic does not exist", cancellationToken);
            if (count != 1)
            {
                throw new FeedSourceException($"The line-closure topic {closures} has {count} partitions; it must have exactly one: " +
                    "every gate reads it whole, and one partition keeps the position a gate records for it a single offset.");
            }
        }

        return UntilAvailable<int>(streams.Consents, () => PartitionCount(admin) is var partitions and > 0 ? partitions : null, "the topic does not exist", cancellationToken);
    }

    /// <summary>Every stream's watermarks, and when they were asked for (the first freshness probe).</summary>
    public (DateTimeOffset At, long[] Lows, long[] Highs) WaitForEnds<TKey, TValue>(IConsumer<TKey, TValue> consumer, int partitions, CancellationToken cancellationToken) =>
        UntilAvailable<(DateTimeOffset, long[], long[])>(streams.Consents, () =>
        {
            var at = clock.GetUtcNow();
            var (lows, highs) = Ends(consumer, partitions);
            return (at, lows, highs);
        }, "no partition offsets", cancellationToken);

    private int PartitionCount(IAdminClient admin, string name) => KafkaClients.Describe(admin, name, options.RequestTimeout).Partitions;

    private (long Low, long High) Watermarks<TKey, TValue>(IConsumer<TKey, TValue> consumer, TopicPartition partition)
    {
        var offsets = consumer.QueryWatermarkOffsets(partition, options.RequestTimeout);
        return (offsets.Low.Value, offsets.High.Value);
    }

    /// <summary>Retried every second (<see cref="BrokerRetry"/>), each wait logged, until available or stopping.</summary>
    private T UntilAvailable<T>(string topic, Func<T?> attempt, string unavailable, CancellationToken cancellationToken)
        where T : struct
    {
        var retry = BrokerRetry.Forever<T?>(
            outcome => outcome.Exception is KafkaException || (outcome.Exception is null && outcome.Result is null),
            outcome => KafkaLog.WaitingForTopic(logger, topic, options.BootstrapServers ?? "", (outcome.Exception as KafkaException)?.Error.Reason ?? unavailable));
        return retry.Execute(_ => attempt(), cancellationToken)!.Value;
    }
}
