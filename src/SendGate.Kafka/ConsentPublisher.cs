using Confluent.Kafka;
using Google.Protobuf;
using SendGate.Contracts;
using SendGate.Core.Consent;

namespace SendGate.Kafka;

/// <summary>
/// Publishes validated changes to the consent topic as our own tools must: a
/// <see cref="Contracts.V1.FeedEvent"/> carrying recipient keys only (never an address), keyed
/// by the consent key (closures: the recipient key) so that compaction keeps the latest state
/// per tuple and one tuple's changes stay in one partition, in order. Produces asynchronously;
/// <see cref="Flush"/> waits for every acknowledgement and the counts say what was delivered.
/// </summary>
public sealed class ConsentPublisher(IProducer<byte[]?, byte[]?> producer, string topic, uint keyId) : IDisposable
{
    private long _delivered;
    private long _failed;
    private string? _firstFailure;

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The reason of the first failed delivery, if any.</summary>
    public string? FirstFailure => Volatile.Read(ref _firstFailure);

    public void Publish(ConsentChange change) =>
        Produce(FeedEventMapping.MessageKey(change), FeedEventMapping.ToEvent(change, keyId));

    public void Publish(LineClosure closure) =>
        Produce(FeedEventMapping.MessageKey(closure), FeedEventMapping.ToEvent(closure, keyId));

    /// <summary>A dead letter (already redacted by <see cref="DeadLetterFactory"/>) to <paramref name="deadLetterTopic"/>, delivered and counted with the events.</summary>
    public void PublishDeadLetter(string deadLetterTopic, Contracts.V1.DeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        Produce(deadLetterTopic, new Message<byte[]?, byte[]?> { Key = null, Value = letter.ToByteArray() });
    }

    /// <summary>Waits until every event produced so far is acknowledged or failed.</summary>
    public void Flush(CancellationToken cancellationToken) => producer.Flush(cancellationToken);

    public void Dispose() => producer.Dispose();

    private void Produce(byte[] key, Contracts.V1.FeedEvent feedEvent) =>
        Produce(topic, new Message<byte[]?, byte[]?> { Key = key, Value = feedEvent.ToByteArray() });

    private void Produce(string destination, Message<byte[]?, byte[]?> message)
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
