using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Polly;
using SendGate.Feed.Status;

namespace SendGate.Kafka;

/// <summary>
/// Writes an event the gate cannot apply to the dead-letter topic and waits for the broker's
/// acknowledgement — retrying while the broker refuses — so that the event's offset counts as
/// done only once its dead letter is safe. Nothing is skipped silently.
/// </summary>
internal sealed class DeadLetterWriter(
    IProducer<byte[]?, byte[]?> producer,
    DeadLetterFactory factory,
    FeedMetrics metrics,
    KafkaFeedOptions options,
    ILogger logger) : IDisposable
{
    private readonly ResiliencePipeline<DeliveryResult<byte[]?, byte[]?>> _retry = BrokerRetry.Forever<DeliveryResult<byte[]?, byte[]?>>(
        outcome => outcome.Exception is ProduceException<byte[]?, byte[]?>,
        outcome => KafkaLog.DeadLetterRetry(logger, options.DeadLetterTopic, ((ProduceException<byte[]?, byte[]?>)outcome.Exception!).Error.Reason));

    private long _written;

    public long Written => Interlocked.Read(ref _written);

    public void Write(string reason, TopicPartition source, long offset, byte[]? key, byte[]? value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var letter = factory.Create(reason, source.Topic, source.Partition.Value, offset, key, value, ParseOrNull(value));
        var message = new Message<byte[]?, byte[]?> { Key = letter.OriginalKey.IsEmpty ? null : letter.OriginalKey.ToByteArray(), Value = Google.Protobuf.MessageExtensions.ToByteArray(letter) };
        _retry.Execute(token => producer.ProduceAsync(options.DeadLetterTopic, message, token).GetAwaiter().GetResult(), cancellationToken);
        Interlocked.Increment(ref _written);
        metrics.RecordDeadLettered();
        KafkaLog.DeadLettered(logger, source.Topic, source.Partition.Value, offset, options.DeadLetterTopic, reason);
    }

    public void Dispose() => producer.Dispose();

    /// <summary>The event as decoded, for redacting a plaintext address; null for bytes that are not an event.</summary>
    private static Contracts.V1.FeedEvent? ParseOrNull(byte[]? value)
    {
        if (value is null)
        {
            return null;
        }

        try
        {
            return Contracts.V1.FeedEvent.Parser.ParseFrom(value);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
