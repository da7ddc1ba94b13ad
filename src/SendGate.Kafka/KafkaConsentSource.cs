using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGate.Contracts;
using SendGate.Core.Consent;
using SendGate.Feed.Checkpoints;
using SendGate.Feed.Pipeline;
using SendGate.Feed.Status;
using SendGate.Kafka.Native;

namespace SendGate.Kafka;

/// <summary>
/// The Kafka consent topic — and the line-closure topic, when closures have one — as a consent source. Every
/// replica holds the whole index — or, as a shard (<see cref="ShardMembership"/>), its shard's partitions whole,
/// and every closure — so it reads them itself (assigned, not group-balanced) from the offsets recorded with the
/// recovered checkpoint, or from the beginning for a store that starts empty. Positions, freshness and backlog
/// are those of what it reads (<see cref="FeedStreams"/>). Message bytes go straight from librdkafka into the
/// batch, many messages per native call (<see cref="BatchReader"/>; one per call through Confluent.Kafka's
/// deserializers, <see cref="BatchSlices"/>, should the reader be unavailable): no array per message.
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
    private readonly FeedStreams _streams = new(options.Value.Topic, options.Value.EffectiveClosureTopic, shard);
    private readonly BatchSlices _slices = new();
    private readonly FreshnessProbes _probes = new();
    private PartitionDiscovery? _discovery;
    private IConsumer<ByteSlice, ByteSlice>? _consumer;
    private BatchReader? _batchReader;
    private IAdminClient? _admin;
    private DeadLetterWriter? _deadLetters;
    private FreshnessProber<ByteSlice, ByteSlice>? _prober;
    private AppliedOffsets? _offsets;
    private long[] _read = [];
    private long[] _initialEnds = [];

    /// <summary>"kafka:TOPIC", or "kafka:TOPIC+CLOSURES": durable state recorded over one layout is not resumed over the other.</summary>
    public string Name => "kafka:" + _options.Topic + (_streams.Closures is { } closures ? "+" + closures : "");

    public string DisplayName => Name;

    /// <summary>Events written to the dead-letter topic since start.</summary>
    public long DeadLettered => _deadLetters?.Written ?? 0;

    public long[] Open(FeedResumePoint? resumePoint, CancellationToken cancellationToken)
    {
        var discovery = _discovery = new PartitionDiscovery(_options, _streams, logger, clock);
        _consumer = new ConsumerBuilder<ByteSlice, ByteSlice>(KafkaClients.ConsumerConfig(_options))
            .SetKeyDeserializer(_slices)
            .SetValueDeserializer(_slices)
            .SetLogHandler((_, message) => KafkaClients.Log(logger, message))
            .SetErrorHandler((_, error) => KafkaLog.ClientError(logger, "consumer", error.Code.ToString(), error.Reason))
            .Build();
        _admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
        _batchReader = BatchReader.TryCreate(_consumer, _streams, reason => KafkaLog.ConsumeFailed(logger, _options.Topic, reason));
        if (_batchReader is null)
        {
            KafkaLog.ConsumingOneByOne(logger);
        }

        _deadLetters = new DeadLetterWriter(KafkaClients.Producer(_options, logger), new DeadLetterFactory(factory.Hasher, clock), metrics, _options, logger);
        _offsets = new AppliedOffsets(_streams);

        int partitions = discovery.WaitForPartitions(_admin, cancellationToken);
        shard.Opened(partitions);
        var (at, lows, allHighs) = discovery.WaitForEnds(_consumer, partitions, cancellationToken);
        var highs = _streams.Mask(allHighs);
        var starts = StartPositions(resumePoint, _streams.Mask(lows), highs);
        _consumer.Assign(_streams.Assignment(starts));
        _read = (long[])starts.Clone();
        _initialEnds = highs;
        _probes.Add(new FreshnessProbes.Probe(at, highs));
        _prober = new FreshnessProber<ByteSlice, ByteSlice>(_consumer, _admin, discovery, _probes, _streams, _options, logger, clock);
        _prober.Start(partitions);
        long backlog = highs.Sum() - starts.Sum();
        string version = Library.VersionString;
        KafkaLog.Starting(logger, _options.Topic, partitions, _options.BootstrapServers ?? "", _options.EffectiveGroupId, version, backlog);
        if (shard.IsSharded)
        {
            KafkaLog.ServingShard(logger, _options.Topic, string.Join(',', shard.Held), partitions);
        }

        if (_streams.Closures is { } closures)
        {
            KafkaLog.ReadingClosures(logger, closures);
        }
        else
        {
            WarnOfUnreadClosures();
        }

        return starts;
    }

    public void Read(EventBatch batch, TimeSpan wait, CancellationToken cancellationToken)
    {
        var consumer = _consumer ?? throw new InvalidOperationException("Open first.");
        AssignNewPartitions(consumer);
        if (_batchReader is { } reader)
        {
            reader.Read(batch, wait, _read);
        }
        else
        {
            ReadOneByOne(consumer, batch, wait);
        }

        batch.EndPositions = (long[])_read.Clone();
        batch.FreshAsOf = _probes.Satisfied(_read)?.At;
    }

    public DecodedEvent Decode(EventBatch batch, int index)
    {
        var payload = batch.Payload(index, out bool tombstone);
        if (tombstone)
        {
            return DecodedEvent.Rejected(TombstoneReason);
        }

        var decoded = FeedEventMapping.Decode(payload, factory);
        return decoded.Kind == DecodedEventKind.Change && _streams.IsClosures(batch.Partition(index), batch.EndPositions.Length)
            ? DecodedEvent.Rejected($"a consent change on the line-closure topic {_streams.Closures}: shards read that topic whole, so consent changes go on {_streams.Consents}, placed by brand")
            : decoded;
    }

    public void Reject(EventBatch batch, int index, string reason, CancellationToken cancellationToken) =>
        _deadLetters!.Write(reason, _streams.At(batch.Partition(index), batch.EndPositions.Length), batch.Position(index), batch.KeyCopy(index), batch.PayloadCopy(index), cancellationToken);

    public void Applied(EventBatch batch) => _offsets!.Store(_consumer!, batch.EndPositions);

    public IReadOnlyList<FeedPosition> Positions(long[] applied)
    {
        var positions = new List<FeedPosition>(applied.Length);
        for (int index = 0; index < applied.Length; index++)
        {
            if (_streams.Reads(index, applied.Length))
            {
                var at = _streams.At(index, applied.Length);
                positions.Add(new FeedPosition(at.Topic, at.Partition.Value, applied[index], Math.Max(End(index, applied.Length), -1)));
            }
        }

        return positions;
    }

    public long Backlog(long[] applied)
    {
        long backlog = 0;
        for (int index = 0; index < applied.Length; index++)
        {
            backlog += _streams.Reads(index, applied.Length) ? Math.Max(0, End(index, applied.Length) - applied[index]) : 0;
        }

        return backlog;
    }

    public void Dispose()
    {
        _prober?.Dispose();
        _batchReader?.Dispose(); // before the consumer: it holds a reference to the consumer's queue
        _deadLetters?.Dispose();
        _admin?.Dispose();
        if (_consumer is not null)
        {
            _consumer.Close(); // commits the stored offsets
            _consumer.Dispose();
        }
    }

    /// <summary>The stream's end as the consumer last saw it (local, no broker round trip); at first the start-up probe's.</summary>
    private long End(int index, int length)
    {
        long end = _consumer?.GetWatermarkOffsets(_streams.At(index, length)).High.Value ?? -1;
        return end >= 0 ? end : length == _initialEnds.Length ? _initialEnds[index] : -1;
    }

    /// <summary>
    /// Each stream read from its recorded offset when it lies within the stream, else from the beginning; consent
    /// partitions the checkpoint did not know (the topic grew since) from the beginning too.
    /// </summary>
    private long[] StartPositions(FeedResumePoint? resume, long[] lows, long[] highs)
    {
        if (resume is null)
        {
            return (long[])lows.Clone();
        }

        const long Unknown = -1;
        var recorded = _streams.Resize(resume.Positions, _streams.Partitions(lows.Length), _ => Unknown);
        var starts = (long[])lows.Clone();
        for (int index = 0; index < starts.Length; index++)
        {
            long offset = recorded[index];
            var at = _streams.At(index, starts.Length);
            if (!_streams.Reads(index, starts.Length) || offset == Unknown)
            {
                continue;
            }

            if (offset >= lows[index] && offset <= highs[index])
            {
                starts[index] = offset;
                KafkaLog.Resuming(logger, at.Topic, at.Partition.Value, offset);
            }
            else
            {
                KafkaLog.ResumeOutOfRange(logger, at.Topic, at.Partition.Value, offset, lows[index], highs[index]);
            }
        }

        return starts;
    }

    /// <summary>
    /// A gate reading closures from the consent topic beside a topic named as a brand-placed set's closure topic is
    /// most likely misconfigured — it would never see a closure published there — so it says so, loudly, once.
    /// </summary>
    private void WarnOfUnreadClosures()
    {
        string conventional = _options.Topic + ".closures";
        try
        {
            if (KafkaClients.Describe(_admin!, conventional, _options.RequestTimeout).Partitions > 0)
            {
                KafkaLog.ClosuresUnread(logger, conventional, _options.Topic);
            }
        }
        catch (KafkaException)
        {
            // Only a warning's check: the feed does not depend on it.
        }
    }

    /// <summary>Partitions added to the topic while running are read from their beginning.</summary>
    private void AssignNewPartitions(IConsumer<ByteSlice, ByteSlice> consumer)
    {
        int known = _prober!.Partitions;
        int before = _streams.Partitions(_read.Length);
        if (known <= before)
        {
            return;
        }

        var (lows, _) = _discovery!.Offsets(consumer, before, known);
        _read = _streams.Resize(_read, known, partition => shard.Holds(partition) ? lows[partition - before] : 0);
        shard.Opened(known);
        consumer.IncrementalAssign(_streams.Assignment(_read, before).Where(start => start.Topic == _options.Topic));
        KafkaLog.PartitionsAdded(logger, _options.Topic, before, known);
    }

    /// <summary>The reading Confluent.Kafka offers: one message, and its objects, per call.</summary>
    private void ReadOneByOne(IConsumer<ByteSlice, ByteSlice> consumer, EventBatch batch, TimeSpan wait)
    {
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

            int index = _streams.IndexOf(result.Topic, result.Partition.Value, _read.Length);
            batch.Add(result.Message.Value, result.Message.Key, index, result.Offset.Value);
            _read[index] = result.Offset.Value + 1;
            timeout = TimeSpan.Zero; // the rest of the batch is what is already fetched
        }
    }

    /// <summary>Key and value bytes copied by librdkafka's consumer straight into the batch being filled.</summary>
    private sealed class BatchSlices : IDeserializer<ByteSlice>
    {
        public EventBatch? Target { get; set; }

        public ByteSlice Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => Target!.Append(data, isNull);
    }
}
