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
/// (<see cref="BrandPlacement"/>) so that shards can serve brands whole. A line closure, which has no
/// brand, goes to <paramref name="closureTopic"/> when there is one (<see cref="KafkaFeedOptions.ClosureTopic"/>:
/// every gate reads it), else on the consent topic like a change. Produces asynchronously;
/// <see cref="Flush"/> waits for every acknowledgement and the counts say what was delivered.
/// </summary>
public sealed class ConsentPublisher(IProducer<byte[]?, byte[]?> producer, string topic, uint keyId, PlacementMap? placement = null, string? closureTopic = null) : IDisposable
{
    private long _delivered;
    private long _failed;
    private string? _firstFailure;

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The reason of the first failed delivery, if any.</summary>
    public string? FirstFailure => Volatile.Read(ref _firstFailure);

    /// <summary>
    /// A publisher for <paramref name="options"/>' topics and placement. For Brand, the consent topic's partition
    /// count is asked once; a closure topic must exist with the one partition gates read.
    /// </summary>
    /// <exception cref="TopicSetupException">A topic the placement needs is missing or has the wrong shape; the message says which.</exception>
    public static ConsentPublisher Create(KafkaFeedOptions options, ILogger logger, uint keyId)
    {
        ArgumentNullException.ThrowIfNull(options);
        var producer = KafkaClients.Producer(options, logger);
        string? closures = options.EffectiveClosureTopic;
        if (options.Placement == ConsentPlacement.Key && closures is null)
        {
            return new ConsentPublisher(producer, options.Topic, keyId);
        }

        try
        {
            using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
            PlacementMap? placement = null;
            if (options.Placement == ConsentPlacement.Brand)
            {
                int partitions = PartitionCount(admin, options.Topic, options.RequestTimeout, "Feed:Kafka:Placement=Brand needs the topic's partition count");
                placement = options.PlacementMap(partitions);
            }

            if (closures is not null && PartitionCount(admin, closures, options.RequestTimeout, "Line closures go to their own topic (Feed:Kafka:ClosureTopic)") != 1)
            {
                throw new TopicSetupException($"The line-closure topic {closures} must have exactly one partition: every gate reads it whole.");
            }

            return new ConsentPublisher(producer, options.Topic, keyId, placement, closures);
        }
        catch
        {
            producer.Dispose();
            throw;
        }
    }

    /// <summary>A change, keyed and placed as gates expect; with <paramref name="tally"/>, its acknowledgement is counted there too.</summary>
    public void Publish(ConsentChange change, DeliveryTally? tally = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        var message = Message(FeedEventMapping.MessageKey(change), FeedEventMapping.ToEvent(change, keyId));
        Produce(new TopicPartition(topic, placement?.PartitionOf(change.Key.BrandCode, change.Key.Recipient) ?? Partition.Any), message, tally);
    }

    public void Publish(LineClosure closure, DeliveryTally? tally = null)
    {
        var message = Message(FeedEventMapping.MessageKey(closure), FeedEventMapping.ToEvent(closure, keyId));
        Produce(closureTopic is null ? new TopicPartition(topic, Partition.Any) : new TopicPartition(closureTopic, 0), message, tally);
    }

    /// <summary>A dead letter (already redacted by <see cref="DeadLetterFactory"/>) to <paramref name="deadLetterTopic"/>, delivered and counted with the events.</summary>
    public void PublishDeadLetter(string deadLetterTopic, Contracts.V1.DeadLetter letter, DeliveryTally? tally = null)
    {
        ArgumentNullException.ThrowIfNull(letter);
        Produce(new TopicPartition(deadLetterTopic, Partition.Any), new Message<byte[]?, byte[]?> { Key = null, Value = letter.ToByteArray() }, tally);
    }

    /// <summary>Waits until every event produced so far is acknowledged or failed.</summary>
    public void Flush(CancellationToken cancellationToken) => producer.Flush(cancellationToken);

    public void Dispose() => producer.Dispose();

    private static int PartitionCount(IAdminClient admin, string name, TimeSpan timeout, string why)
    {
        var (partitions, problem) = KafkaClients.Describe(admin, name, timeout);
        return partitions > 0 ? partitions : throw new TopicSetupException($"{why}, and {name} does not exist ({problem}): create it first.");
    }

    private static Message<byte[]?, byte[]?> Message(byte[] key, Contracts.V1.FeedEvent feedEvent) => new() { Key = key, Value = feedEvent.ToByteArray() };

    private void Produce(TopicPartition destination, Message<byte[]?, byte[]?> message, DeliveryTally? tally)
    {
        Action<DeliveryReport<byte[]?, byte[]?>> handler = tally is null ? OnDelivery : report =>
        {
            OnDelivery(report);
            tally.Delivered(report.Error);
        };
        tally?.Produced();
        while (true)
        {
            try
            {
                producer.Produce(destination, message, handler);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> exception) when (exception.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The local queue is full: let deliveries drain, then retry (back-pressure, nothing dropped).
                producer.Poll(TimeSpan.FromMilliseconds(100));
            }
            catch (KafkaException exception) when (tally is not null)
            {
                tally.Delivered(exception.Error); // never produced: the tally must not wait for it
                throw;
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

/// <summary>A topic the configured placement needs is missing or has the wrong shape: a sentence for the operator, who creates it.</summary>
public sealed class TopicSetupException(string message) : InvalidOperationException(message);
