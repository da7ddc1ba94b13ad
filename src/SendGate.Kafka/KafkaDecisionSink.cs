using System.Numerics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGate.Audit;

namespace SendGate.Kafka;

/// <summary>
/// Decision records to a Kafka topic (DecisionLog:Topic) on Feed:Kafka's brokers, keyed by
/// client so each client's records stay in order. Produce never waits: librdkafka batches and
/// retries; records it finally fails to deliver are counted in <see cref="AsyncFailures"/>.
/// </summary>
public sealed partial class KafkaDecisionSink : IDecisionSink
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly string _topic;
    private readonly ILogger<KafkaDecisionSink> _logger;
    private readonly Action<DeliveryReport<byte[]?, byte[]?>> _delivered;
    private long _failures;
    private int _disposed;

    public KafkaDecisionSink(IOptions<KafkaFeedOptions> kafka, IOptions<DecisionLogOptions> options, ILogger<KafkaDecisionSink> logger)
    {
        if (string.IsNullOrWhiteSpace(kafka.Value.BootstrapServers))
        {
            throw new InvalidOperationException("DecisionLog:Topic is set but Feed:Kafka:BootstrapServers is not: the decision log uses the feed's brokers.");
        }

        _topic = options.Value.Topic!;
        _logger = logger;
        _producer = KafkaClients.Producer(kafka.Value, logger);
        _delivered = report =>
        {
            if (report.Error.IsError && Interlocked.Increment(ref _failures) is var failures && BitOperations.IsPow2(failures))
            {
                // Logged at the 1st, 2nd, 4th, 8th… failure: a dead broker must not flood the log.
                KafkaLog.DecisionDeliveryFailed(_logger, _topic, report.Error.Reason, failures);
            }
        };
    }

    public long AsyncFailures => Interlocked.Read(ref _failures);

    public void Write(ReadOnlySpan<byte> json, DecisionRecord record) =>
        _producer.Produce(_topic, new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(record.Client), Value = json.ToArray() }, _delivered);

    public void Flush()
    {
        // Nothing to wait for: librdkafka sends within linger.ms.
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _producer.Flush(TimeSpan.FromSeconds(10)); // what is still queued in librdkafka
            _producer.Dispose();
        }
    }

}
