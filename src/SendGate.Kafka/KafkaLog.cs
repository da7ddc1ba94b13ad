using Microsoft.Extensions.Logging;

namespace SendGate.Kafka;

/// <summary>The Kafka feed's log events. Never a recipient: positions, counts and reasons only.</summary>
internal static partial class KafkaLog
{
    [LoggerMessage(EventId = 4001, Message = "librdkafka {Facility}: {Message}")]
    public static partial void Client(ILogger logger, LogLevel level, string facility, string message);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Kafka {Client} error {Code}: {Reason}")]
    public static partial void ClientError(ILogger logger, string client, string code, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Consuming {Topic} ({Partitions} partitions) from {Bootstrap} as group {Group}, librdkafka {Version}; catching up to {End} events")]
    public static partial void Starting(ILogger logger, string topic, int partitions, string bootstrap, string group, string version, long end);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Waiting for topic {Topic} on {Bootstrap}: {Reason}")]
    public static partial void WaitingForTopic(ILogger logger, string topic, string bootstrap, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Caught up with {Topic}: {Applied} events applied ({DeadLetters} dead-lettered) in {Seconds:F1} s ({PerSecond:F0} events/s)")]
    public static partial void CaughtUp(ILogger logger, string topic, long applied, long deadLetters, double seconds, double perSecond);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Catching up with {Topic}: {Applied} events applied, {Lag} to go, {PerSecond:F0} events/s")]
    public static partial void Progress(ILogger logger, string topic, long applied, long lag, double perSecond);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Event {Topic}/{Partition}@{Offset} dead-lettered to {DeadLetterTopic}: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string topic, int partition, long offset, string deadLetterTopic, string reason);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "Cannot write a dead letter to {DeadLetterTopic} ({Reason}); retrying — the feed waits, nothing is skipped")]
    public static partial void DeadLetterRetry(ILogger logger, string deadLetterTopic, string reason);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Warning, Message = "Cannot confirm freshness with the broker ({Reason}); answers will turn stale after Policy:MaxStaleness")]
    public static partial void ProbeFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Broker reachable again: freshness confirmed")]
    public static partial void ProbeRecovered(ILogger logger);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Topic {Topic} grew from {Before} to {After} partitions: reading the new ones from their beginning")]
    public static partial void PartitionsAdded(ILogger logger, string topic, int before, int after);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Consuming {Topic} failed: {Reason}")]
    public static partial void ConsumeFailed(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Information, Message = "Resuming {Topic} partition {Partition} at offset {Offset} (recorded with the durable state)")]
    public static partial void Resuming(ILogger logger, string topic, int partition, long offset);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning, Message = "Partition {Topic}/{Partition}: the recorded offset {Offset} is outside the partition's [{Low}, {High}); reading it from its beginning (re-applied events are harmless; if the topic was deleted below the checkpoint, events there are gone)")]
    public static partial void ResumeOutOfRange(ILogger logger, string topic, int partition, long offset, long low, long high);

    [LoggerMessage(4015, LogLevel.Information, "Serving the shard of partitions {Partitions} of {Topic} ({Count} partitions): brands placed elsewhere are refused")]
    public static partial void ServingShard(ILogger logger, string topic, string partitions, int count);

    [LoggerMessage(4016, LogLevel.Information, "Reading line closures from {Topic} (every gate reads it whole)")]
    public static partial void ReadingClosures(ILogger logger, string topic);

    [LoggerMessage(4017, LogLevel.Warning, "Topic {ClosureTopic} exists but this gate reads line closures from {Topic} only: closures published there are never applied. Set Feed:Kafka:Placement=Brand (or Feed:Kafka:ClosureTopic) as the publishers have it")]
    public static partial void ClosuresUnread(ILogger logger, string closureTopic, string topic);

    [LoggerMessage(4018, LogLevel.Warning, "Consuming one message per call: this Confluent.Kafka does not lend its librdkafka handle for batch reads, or loads another librdkafka (catch-up is slower; see docs/decisions/0001-batch-reads-below-confluent-kafka.md)")]
    public static partial void ConsumingOneByOne(ILogger logger);

    [LoggerMessage(4019, LogLevel.Error, "Decision records to {Topic} failed ({Reason}); {Failures} so far")]
    public static partial void DecisionDeliveryFailed(ILogger logger, string topic, string reason, long failures);
}
