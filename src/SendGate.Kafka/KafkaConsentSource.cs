using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGate.Contracts;
using SendGate.Core.Consent;
using SendGate.Feed.Checkpoints;
using SendGate.Feed.Pipeline;
using SendGate.Feed.Status;

namespace SendGate.Kafka;

/// <summary>
/// The Kafka consent topic as a consent source. Every replica holds the whole index — or, as a shard
/// (<see cref="ShardMembership"/>), its shard's partitions whole — so it reads them itself (assigned, not
/// group-balanced) from the offsets recorded with the recovered checkpoint, or from the beginning for a store
/// that starts empty. A shard's positions, freshness and backlog are its partitions' only. Message bytes go
/// straight from librdkafka into the batch (<see cref="BatchSlices"/>): no array per message.
/// A batch is fresh as of the newest freshness probe its end offsets reach: everything that
/// existed at that moment is then applied (Kafka 0.9 has no message timestamps to tell it).
/// </summary>
public sealed class KafkaConsentSource(
    FeedEventFactory factory,
    FeedMetrics metrics,
    IOptions<KafkaFeedOptions> options,
    ShardMembership shard,
    ILogger<KafkaConsentSource> logger,
    TimeProvider clock) : IConsentSource
{
    private const string TombstoneReason = "the value is null (a tombstone): consent records are never deleted; publish a RET or a line closure instead";

    private readonly KafkaFeedOptions _options = options.Value;
    private readonly BatchSlices _slices = new();
    private readonly FreshnessProbes _probes = new();
    private PartitionDiscovery? _discovery;
    private IConsumer<ByteSlice, ByteSlice>? _consumer;
    private IAdminClient? _admin;
    private DeadLetterWriter? _deadLetters;
    private FreshnessProber<ByteSlice, ByteSlice>? _prober;
    private AppliedOffsets? _offsets;
    private long[] _read = [];
    private long[] _initialEnds = [];

    public string Name => "kafka:" + _options.Topic;

    public string DisplayName => Name;

    /// <summary>Events written to the dead-letter topic since start.</summary>
    public long DeadLettered => _deadLetters?.Written ?? 0;

    public long[] Open(FeedResumePoint? resumePoint, CancellationToken cancellationToken)
    {
        var discovery = _discovery = new PartitionDiscovery(_options, logger, clock);
        _consumer = new ConsumerBuilder<ByteSlice, ByteSlice>(KafkaClients.ConsumerConfig(_options))
            .SetKeyDeserializer(_slices)
            .SetValueDeserializer(_slices)
            .SetLogHandler((_, message) => KafkaClients.Log(logger, message))
            .SetErrorHandler((_, error) => KafkaLog.ClientError(logger, "consumer", error.Code.ToString(), error.Reason))
            .Build();
        _admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
        _deadLetters = new DeadLetterWriter(KafkaClients.Producer(_options, logger), new DeadLetterFactory(factory.Hasher, clock), metrics, _options, logger);
        _offsets = new AppliedOffsets(_options.Topic);

        int partitions = discovery.WaitForPartitions(_admin, cancellationToken);
        shard.Opened(partitions);
        var (at, lows, allHighs) = discovery.WaitForEnds(_consumer, partitions, cancellationToken);
        var highs = shard.Mask(allHighs);
        var starts = StartPositions(resumePoint, shard.Mask(lows), highs);
        _consumer.Assign(Enumerable.Range(0, partitions).Where(shard.Holds).Select(p => new TopicPartitionOffset(_options.Topic, p, starts[p])));
        _read = (long[])starts.Clone();
        _initialEnds = highs;
        _probes.Add(new FreshnessProbes.Probe(at, highs));
        _prober = new FreshnessProber<ByteSlice, ByteSlice>(_consumer, _admin, discovery, _probes, shard, _options, logger, clock);
        _prober.Start(partitions);
        long backlog = highs.Sum() - starts.Sum();
        string version = Library.VersionString;
        KafkaLog.Starting(logger, _options.Topic, partitions, _options.BootstrapServers ?? "", _options.EffectiveGroupId, version, backlog);
        if (shard.IsSharded)
        {
            KafkaLog.ServingShard(logger, _options.Topic, string.Join(',', shard.Held), partitions);
        }
        return starts;
    }

    public void Read(EventBatch batch, TimeSpan wait, CancellationToken cancellationToken)
    {
        var consumer = _consumer ?? throw new InvalidOperationException("Open first.");
        AssignNewPartitions(consumer);
        _slices.Target = batch;
        var timeout = wait;
        while (batch.HasRoom)
        {
            ConsumeResult<ByteSlice, ByteSlice>? result;
            try
            {
                result = consumer.Consume(timeout);
            }
            catch (ConsumeException exception)
            {
                KafkaLog.ConsumeFailed(logger, _options.Topic, exception.Error.Reason);
                break;
            }

            if (result is null)
            {
                break;
            }

            int partition = result.Partition.Value;
            batch.Add(result.Message.Value, result.Message.Key, partition, result.Offset.Value);
            _read[partition] = result.Offset.Value + 1;
            timeout = TimeSpan.Zero; // the rest of the batch is what is already fetched
        }

        batch.EndPositions = (long[])_read.Clone();
        batch.FreshAsOf = _probes.Satisfied(_read)?.At;
    }

    public DecodedEvent Decode(EventBatch batch, int index)
    {
        var payload = batch.Payload(index, out bool tombstone);
        return tombstone ? DecodedEvent.Rejected(TombstoneReason) : FeedEventMapping.Decode(payload, factory);
    }

    public void Reject(EventBatch batch, int index, string reason, CancellationToken cancellationToken) =>
        _deadLetters!.Write(reason, batch.Partition(index), batch.Position(index), batch.KeyCopy(index), batch.PayloadCopy(index), cancellationToken);

    public void Applied(EventBatch batch) => _offsets!.Store(_consumer!, batch.EndPositions);

    public IReadOnlyList<FeedPosition> Positions(long[] applied)
    {
        var positions = new List<FeedPosition>(applied.Length);
        for (int partition = 0; partition < applied.Length; partition++)
        {
            if (shard.Holds(partition))
            {
                positions.Add(new FeedPosition(_options.Topic, partition, applied[partition], Math.Max(End(partition), -1)));
            }
        }

        return positions;
    }

    public long Backlog(long[] applied)
    {
        long backlog = 0;
        for (int partition = 0; partition < applied.Length; partition++)
        {
            backlog += shard.Holds(partition) ? Math.Max(0, End(partition) - applied[partition]) : 0;
        }

        return backlog;
    }

    public void Dispose()
    {
        _prober?.Dispose();
        _deadLetters?.Dispose();
        _admin?.Dispose();
        if (_consumer is not null)
        {
            _consumer.Close(); // commits the stored offsets
            _consumer.Dispose();
        }
    }

    /// <summary>The partition's end as the consumer last saw it (local, no broker round trip); at first the start-up probe's.</summary>
    private long End(int partition)
    {
        long end = _consumer?.GetWatermarkOffsets(new TopicPartition(_options.Topic, partition)).High.Value ?? -1;
        return end >= 0 ? end : partition < _initialEnds.Length ? _initialEnds[partition] : -1;
    }

    /// <summary>Each partition from its recorded offset when it lies within the partition, else from the beginning.</summary>
    private long[] StartPositions(FeedResumePoint? resume, long[] lows, long[] highs)
    {
        var starts = (long[])lows.Clone();
        for (int partition = 0; partition < starts.Length && resume is not null && partition < resume.Positions.Count; partition++)
        {
            long offset = resume.Positions[partition];
            if (offset >= lows[partition] && offset <= highs[partition])
            {
                starts[partition] = offset;
                KafkaLog.Resuming(logger, _options.Topic, partition, offset);
            }
            else
            {
                KafkaLog.ResumeOutOfRange(logger, _options.Topic, partition, offset, lows[partition], highs[partition]);
            }
        }

        return starts;
    }

    /// <summary>Partitions added to the topic while running are read from their beginning.</summary>
    private void AssignNewPartitions(IConsumer<ByteSlice, ByteSlice> consumer)
    {
        int known = _prober!.Partitions;
        int before = _read.Length;
        if (known <= before)
        {
            return;
        }

        var (lows, _) = _discovery!.Offsets(consumer, before, known);
        var read = new long[known];
        _read.CopyTo(read, 0);
        for (int partition = before; partition < known; partition++)
        {
            read[partition] = shard.Holds(partition) ? lows[partition - before] : 0;
        }

        _read = read;
        shard.Opened(known);
        consumer.IncrementalAssign(Enumerable.Range(before, known - before).Where(shard.Holds).Select(p => new TopicPartitionOffset(_options.Topic, p, lows[p - before])));
        KafkaLog.PartitionsAdded(logger, _options.Topic, before, known);
    }

    /// <summary>Key and value bytes copied by librdkafka's consumer straight into the batch being filled.</summary>
    private sealed class BatchSlices : IDeserializer<ByteSlice>
    {
        public EventBatch? Target { get; set; }

        public ByteSlice Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => Target!.Append(data, isNull);
    }
}
