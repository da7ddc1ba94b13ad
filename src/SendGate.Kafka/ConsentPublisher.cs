using Confluent.Kafka;
using Google.Protobuf;
using SendGate.Contracts;
using Microsoft.Extensions.Logging;
using SendGate.Core.Consent;
using SendGate.Core.Domain;

namespace SendGate.Kafka;

/// <summary>
/// Publishes validated changes to the consent topic as our own tools must: a
/// <see cref="Contracts.V1.FeedEvent"/> carrying recipient keys only (never an address), keyed
/// by the consent key (closures: the recipient key) so that compaction keeps the latest state
/// per tuple and one tuple's changes stay in one partition, in order. Placed by the key's hash
/// (librdkafka's partitioner), or with <see cref="ConsentPlacement.Brand"/> on the brand's partition
/// (<see cref="BrandPlacement"/>) so that shards can serve brands whole — and then a line closure,
/// which has no brand, goes to every partition. Produces asynchronously; <see cref="Flush"/> waits
/// for every acknowledgement and the counts say what was delivered (messages: a closure placed by
/// brand is one per partition).
/// </summary>
public sealed class ConsentPublisher(IProducer<byte[]?, byte[]?> producer, string topic, uint keyId, PlacementMap? placement = null) : IDisposable
{
    private long _delivered;
    private long _failed;
    private string? _firstFailure;

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The reason of the first failed delivery, if any.</summary>
    public string? FirstFailure => Volatile.Read(ref _firstFailure);

    /// <summary>A publisher for <paramref name="options"/>' topic and placement (for Brand, the topic's partition count is asked once).</summary>
    public static ConsentPublisher Create(KafkaFeedOptions options, ILogger logger, uint keyId)
    {
        ArgumentNullException.ThrowIfNull(options);
        var producer = KafkaClients.Producer(options, logger);
        if (options.Placement == ConsentPlacement.Key)
        {
            return new ConsentPublisher(producer, options.Topic, keyId);
        }

        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        var topic = admin.GetMetadata(options.Topic, options.RequestTimeout).Topics.SingleOrDefault(t => t.Topic == options.Topic);
        if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0)
        {
            producer.Dispose();
            throw new InvalidOperationException($"Feed:Kafka:Placement=Brand needs the topic's partition count, and {options.Topic} does not exist ({topic?.Error.Reason ?? "no metadata"}): create it first.");
        }

        return new ConsentPublisher(producer, options.Topic, keyId, options.PlacementMap(topic.Partitions.Count));
    }

    public void Publish(ConsentChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var message = Message(FeedEventMapping.MessageKey(change), FeedEventMapping.ToEvent(change, keyId));
        Produce(new TopicPartition(topic, placement?.PartitionOf(change.Key.BrandCode, change.Key.Recipient) ?? Partition.Any), message);
    }

    public void Publish(LineClosure closure)
    {
        var message = Message(FeedEventMapping.MessageKey(closure), FeedEventMapping.ToEvent(closure, keyId));
        if (placement is null)
        {
            Produce(new TopicPartition(topic, Partition.Any), message);
            return;
        }

        for (int partition = 0; partition < placement.Partitions; partition++)
        {
            Produce(new TopicPartition(topic, partition), message); // every shard applies every closure
        }
    }

    /// <summary>A dead letter (already redacted by <see cref="DeadLetterFactory"/>) to <paramref name="deadLetterTopic"/>, delivered and counted with the events.</summary>
    public void PublishDeadLetter(string deadLetterTopic, Contracts.V1.DeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        Produce(new TopicPartition(deadLetterTopic, Partition.Any), new Message<byte[]?, byte[]?> { Key = null, Value = letter.ToByteArray() });
    }

    /// <summary>Waits until every event produced so far is acknowledged or failed.</summary>
    public void Flush(CancellationToken cancellationToken) => producer.Flush(cancellationToken);

    public void Dispose() => producer.Dispose();

    private static Message<byte[]?, byte[]?> Message(byte[] key, Contracts.V1.FeedEvent feedEvent) => new() { Key = key, Value = feedEvent.ToByteArray() };

    private void Produce(TopicPartition destination, Message<byte[]?, byte[]?> message)
    {
        while (true)
        {
            try
            {
                producer.Produce(destination, message, OnDelivery);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> exception) when (exception.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The local queue is full: let deliveries drain, then retry (back-pressure, nothing dropped).
                producer.Poll(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    private void OnDelivery(DeliveryReport<byte[]?, byte[]?> report)
    {
        if (report.Error.IsError)
        {
            Interlocked.Increment(ref _failed);
            Interlocked.CompareExchange(ref _firstFailure, report.Error.Reason, null);
        }
        else
        {
            Interlocked.Increment(ref _delivered);
        }
    }
}
