using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace SendGate.Kafka;

/// <summary>
/// What the broker says about the consent topic: how many partitions it has and where each
/// begins and ends. At start-up the answers are waited for — the broker or the topic may not
/// be there yet — with a log line per attempt.
/// </summary>
internal sealed class PartitionDiscovery(KafkaFeedOptions options, ILogger logger, TimeProvider clock)
{
    /// <summary>The topic's partition count; 0 when it does not exist (yet).</summary>
    public int PartitionCount(IAdminClient admin)
    {
        var topic = admin.GetMetadata(options.Topic, options.RequestTimeout).Topics.SingleOrDefault(t => t.Topic == options.Topic);
        return topic is null || topic.Error.IsError ? 0 : topic.Partitions.Count;
    }

    /// <summary>Low and high watermarks of partitions [<paramref name="from"/>, <paramref name="to"/>), one broker round trip each.</summary>
    public (long[] Lows, long[] Highs) Offsets<TKey, TValue>(IConsumer<TKey, TValue> consumer, int from, int to)
    {
        var lows = new long[to - from];
        var highs = new long[to - from];
        for (int partition = from; partition < to; partition++)
        {
            var offsets = consumer.QueryWatermarkOffsets(new TopicPartition(options.Topic, partition), options.RequestTimeout);
            (lows[partition - from], highs[partition - from]) = (offsets.Low.Value, offsets.High.Value);
        }

        return (lows, highs);
    }

    public int WaitForPartitions(IAdminClient admin, CancellationToken cancellationToken) =>
        UntilAvailable<int>(() => PartitionCount(admin) is var partitions and > 0 ? partitions : null, "the topic does not exist", cancellationToken);

    /// <summary>Every partition's watermarks, and when they were asked for (the first freshness probe).</summary>
    public (DateTimeOffset At, long[] Lows, long[] Highs) WaitForEnds<TKey, TValue>(IConsumer<TKey, TValue> consumer, int partitions, CancellationToken cancellationToken) =>
        UntilAvailable<(DateTimeOffset, long[], long[])>(() =>
        {
            var at = clock.GetUtcNow();
            var (lows, highs) = Offsets(consumer, 0, partitions);
            return (at, lows, highs);
        }, "no partition offsets", cancellationToken);

    /// <summary>Retried every second (<see cref="BrokerRetry"/>), each wait logged, until available or stopping.</summary>
    private T UntilAvailable<T>(Func<T?> attempt, string unavailable, CancellationToken cancellationToken)
        where T : struct
    {
        var retry = BrokerRetry.Forever<T?>(
            outcome => outcome.Exception is KafkaException || (outcome.Exception is null && outcome.Result is null),
            outcome => KafkaLog.WaitingForTopic(logger, options.Topic, options.BootstrapServers ?? "", (outcome.Exception as KafkaException)?.Error.Reason ?? unavailable));
        return retry.Execute(_ => attempt(), cancellationToken)!.Value;
    }
}
