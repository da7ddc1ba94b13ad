using System.Diagnostics;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGate.Contracts;
using SendGate.Core.Consent;
using SendGate.Feed.Checkpoints;
using SendGate.Feed.Status;
using SendGate.Index;

namespace SendGate.Kafka;

/// <summary>
/// Feeds the consent store from the Kafka consent topic. Every replica holds the whole index, so
/// it reads every partition itself (assigned, not group-balanced) from the position its state
/// reflects: the offsets recorded with the recovered checkpoint, or the beginning for a store
/// that starts empty (the group's committed offsets are for monitoring only — they are not
/// bound to any state). Checkpoints are taken on this thread between events. Each event is applied by the Core
/// rule (newest modification wins, RET wins ties, closures void older consents), so duplicates,
/// replays and reordering converge to the same state; its offset is stored only after it is
/// applied or dead-lettered, and committed to the group for monitoring. The gate is ready once
/// it has applied everything the partitions held when it started, and fresh as of the last
/// moment it confirmed the same (<see cref="FreshnessProbes"/>); with the broker unreachable
/// freshness stops advancing and the staleness policy takes over.
/// </summary>
public sealed class KafkaConsentFeed(
    ConsentStore store,
    FeedEventFactory factory,
    FeedStatus status,
    FeedMetrics metrics,
    IFeedCheckpoints checkpoints,
    IOptions<KafkaFeedOptions> options,
    ILogger<KafkaConsentFeed> logger,
    TimeProvider clock) : BackgroundService
{
    private const string TombstoneReason = "the value is null (a tombstone): consent records are never deleted; publish a RET or a line closure instead";
    private static readonly TimeSpan ConsumeWait = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ProgressLogInterval = TimeSpan.FromSeconds(5);

    private readonly KafkaFeedOptions _options = options.Value;
    private readonly FreshnessProbes _probes = new();
    private readonly DeadLetterFactory _deadLetters = new(factory.Hasher, clock);
    private long[] _positions = [];
    private long[] _stored = [];
    private int _partitions;
    private long _applied;
    private long _deadLettered;
    private DateTimeOffset? _freshAsOf;
    private bool _caughtUp;

    /// <summary>Events applied since start.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Events written to the dead-letter topic since start.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // librdkafka calls block: the consumer and the freshness probe get threads of their own.
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        try
        {
            Consume(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            status.Fail(exception);
            throw;
        }
    }

    private void Consume(CancellationToken stoppingToken)
    {
        using var consumer = KafkaClients.Consumer(_options, logger);
        using var producer = KafkaClients.Producer(_options, logger);
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var started = Stopwatch.StartNew();
        var resume = checkpoints.Recover(Source, stoppingToken);

        int partitions = WaitForPartitions(admin, stoppingToken);
        var (at, lows, highs) = WaitForEnds(consumer, partitions, stoppingToken);
        var starts = StartPositions(resume, lows, highs);
        Volatile.Write(ref _partitions, partitions);
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(_options.Topic, p, starts[p])));
        _positions = starts;
        _probes.Add(new FreshnessProbes.Probe(at, highs));
        long backlog = highs.Sum() - starts.Sum();
        string version = Library.VersionString;
        KafkaLog.Starting(logger, _options.Topic, partitions, _options.BootstrapServers ?? "", _options.EffectiveGroupId, version, backlog);

        var probing = Task.Factory.StartNew(() => Probe(consumer, admin, stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            Loop(consumer, producer, started, stoppingToken);
        }
        finally
        {
            probing.ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(10), CancellationToken.None);
            checkpoints.Checkpoint(ResumePoint()); // at graceful shutdown: the next start replays nothing
            StoreOffsets(consumer);
            consumer.Close(); // commits the stored offsets
        }
    }

    private void Loop(IConsumer<byte[]?, byte[]?> consumer, IProducer<byte[]?, byte[]?> producer, Stopwatch started, CancellationToken stoppingToken)
    {
        var lastPublish = TimeSpan.Zero;
        var lastLog = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            AssignNewPartitions(consumer);
            ConsumeResult<byte[]?, byte[]?>? result = null;
            try
            {
                result = consumer.Consume(ConsumeWait);
            }
            catch (ConsumeException exception)
            {
                KafkaLog.ConsumeFailed(logger, _options.Topic, exception.Error.Reason);
            }

            if (result is { IsPartitionEOF: false })
            {
                Apply(result, producer, stoppingToken);
            }

            var probe = _probes.Satisfied(_positions);
            var now = started.Elapsed;
            if (probe is not null || now - lastPublish >= PublishInterval)
            {
                Publish(consumer, probe, started);
                lastPublish = now;
                if (checkpoints.Due)
                {
                    checkpoints.Checkpoint(ResumePoint());
                }
            }

            if (!_caughtUp && now - lastLog >= ProgressLogInterval)
            {
                long applied = Applied;
                long lag = status.Current.Lag;
                double rate = applied / Math.Max(now.TotalSeconds, 0.001);
                KafkaLog.Progress(logger, _options.Topic, applied, lag, rate);
                lastLog = now;
            }
        }
    }

    private void Apply(ConsumeResult<byte[]?, byte[]?> result, IProducer<byte[]?, byte[]?> producer, CancellationToken stoppingToken)
    {
        byte[]? value = result.Message.Value;
        if (value is null)
        {
            DeadLetter(result, TombstoneReason, null, producer, stoppingToken);
        }
        else
        {
            var decoded = FeedEventMapping.Decode(value, factory);
            if (decoded.Error != FeedEventError.None)
            {
                DeadLetter(result, decoded.Error.Describe(), decoded.Event, producer, stoppingToken);
            }
            else
            {
                if (decoded.Change is { } change)
                {
                    store.Apply(change);
                }
                else
                {
                    store.Apply(decoded.Closure!.Value);
                }

                Interlocked.Increment(ref _applied);
                metrics.RecordApplied();
            }
        }

        _positions[result.Partition.Value] = result.Offset.Value + 1;
    }

    /// <summary>Writes the dead letter and waits for the broker's acknowledgement: the event's offset is stored only after.</summary>
    private void DeadLetter(ConsumeResult<byte[]?, byte[]?> result, string reason, Contracts.V1.FeedEvent? decoded, IProducer<byte[]?, byte[]?> producer, CancellationToken stoppingToken)
    {
        var letter = _deadLetters.Create(reason, result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Key, result.Message.Value, decoded);
        var message = new Message<byte[]?, byte[]?> { Key = letter.OriginalKey.IsEmpty ? null : letter.OriginalKey.ToByteArray(), Value = letter.ToByteArray() };
        while (true)
        {
            try
            {
                producer.ProduceAsync(_options.DeadLetterTopic, message, stoppingToken).GetAwaiter().GetResult();
                break;
            }
            catch (ProduceException<byte[]?, byte[]?> exception)
            {
                KafkaLog.DeadLetterRetry(logger, _options.DeadLetterTopic, exception.Error.Reason);
                stoppingToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
                stoppingToken.ThrowIfCancellationRequested();
            }
        }

        Interlocked.Increment(ref _deadLettered);
        metrics.RecordDeadLettered();
        KafkaLog.DeadLettered(logger, result.Topic, result.Partition.Value, result.Offset.Value, _options.DeadLetterTopic, reason);
    }

    /// <summary>
    /// Stores the applied positions for the next auto-commit and publishes progress. Storing here,
    /// every publish interval, rather than per message saves a native call per event; what is
    /// stored is still only what has been applied (or dead-lettered).
    /// </summary>
    private void Publish(IConsumer<byte[]?, byte[]?> consumer, FreshnessProbes.Probe? probe, Stopwatch started)
    {
        StoreOffsets(consumer);
        if (probe is not null)
        {
            _freshAsOf = probe.At;
            if (!_caughtUp)
            {
                _caughtUp = true;
                double seconds = started.Elapsed.TotalSeconds;
                long applied = Applied;
                long deadLettered = DeadLettered;
                double rate = applied / Math.Max(seconds, 0.001);
                KafkaLog.CaughtUp(logger, _options.Topic, applied, deadLettered, seconds, rate);
            }
        }

        var positions = new FeedPosition[_positions.Length];
        for (int partition = 0; partition < positions.Length; partition++)
        {
            long end = consumer.GetWatermarkOffsets(new TopicPartition(_options.Topic, partition)).High.Value;
            positions[partition] = new FeedPosition(_options.Topic, partition, _positions[partition], Math.Max(end, -1));
        }

        status.Publish(new FeedProgress(positions, _freshAsOf, _caughtUp));
    }

    private void StoreOffsets(IConsumer<byte[]?, byte[]?> consumer)
    {
        if (_stored.Length != _positions.Length)
        {
            Array.Resize(ref _stored, _positions.Length);
        }

        for (int partition = 0; partition < _positions.Length; partition++)
        {
            if (_positions[partition] > _stored[partition])
            {
                consumer.StoreOffset(new TopicPartitionOffset(_options.Topic, partition, _positions[partition]));
                _stored[partition] = _positions[partition];
            }
        }
    }

    private string Source => "kafka:" + _options.Topic;

    private FeedResumePoint ResumePoint() => new(Source, (long[])_positions.Clone());

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
    private void AssignNewPartitions(IConsumer<byte[]?, byte[]?> consumer)
    {
        int known = Volatile.Read(ref _partitions);
        int before = _positions.Length;
        if (known <= before)
        {
            return;
        }

        var (lows, _) = Offsets(consumer, before, known);
        var positions = new long[known];
        _positions.CopyTo(positions, 0);
        lows.CopyTo(positions, before);
        _positions = positions;
        consumer.IncrementalAssign(Enumerable.Range(before, known - before).Select(p => new TopicPartitionOffset(_options.Topic, p, lows[p - before])));
        KafkaLog.PartitionsAdded(logger, _options.Topic, before, known);
    }

    /// <summary>The freshness probe: the partitions' ends every interval, on its own thread (each is a broker round trip).</summary>
    private void Probe(IConsumer<byte[]?, byte[]?> consumer, IAdminClient admin, CancellationToken stoppingToken)
    {
        bool failing = false;
        while (!stoppingToken.WaitHandle.WaitOne(_options.FreshnessInterval))
        {
            try
            {
                var at = clock.GetUtcNow();
                int partitions = PartitionCount(admin);
                var (_, ends) = Offsets(consumer, 0, partitions);

                if (partitions > Volatile.Read(ref _partitions))
                {
                    Volatile.Write(ref _partitions, partitions);
                }

                _probes.Add(new FreshnessProbes.Probe(at, ends));
                if (failing)
                {
                    failing = false;
                    KafkaLog.ProbeRecovered(logger);
                }
            }
            catch (KafkaException exception)
            {
                if (!failing)
                {
                    failing = true;
                    KafkaLog.ProbeFailed(logger, exception.Error.Reason);
                }
            }
        }
    }

    private int WaitForPartitions(IAdminClient admin, CancellationToken stoppingToken) =>
        UntilAvailable<int>(() => PartitionCount(admin) is var partitions and > 0 ? partitions : null, "the topic does not exist", stoppingToken);

    private int PartitionCount(IAdminClient admin)
    {
        var topic = admin.GetMetadata(_options.Topic, _options.RequestTimeout).Topics.SingleOrDefault(t => t.Topic == _options.Topic);
        return topic is null || topic.Error.IsError ? 0 : topic.Partitions.Count;
    }

    private (DateTimeOffset At, long[] Lows, long[] Highs) WaitForEnds(IConsumer<byte[]?, byte[]?> consumer, int partitions, CancellationToken stoppingToken) =>
        UntilAvailable<(DateTimeOffset, long[], long[])>(() =>
        {
            var at = clock.GetUtcNow();
            var (lows, highs) = Offsets(consumer, 0, partitions);
            return (at, lows, highs);
        }, "no partition offsets", stoppingToken);

    /// <summary>Low and high watermarks of partitions [<paramref name="from"/>, <paramref name="to"/>), one broker round trip each.</summary>
    private (long[] Lows, long[] Highs) Offsets(IConsumer<byte[]?, byte[]?> consumer, int from, int to)
    {
        var lows = new long[to - from];
        var highs = new long[to - from];
        for (int partition = from; partition < to; partition++)
        {
            var offsets = consumer.QueryWatermarkOffsets(new TopicPartition(_options.Topic, partition), _options.RequestTimeout);
            (lows[partition - from], highs[partition - from]) = (offsets.Low.Value, offsets.High.Value);
        }

        return (lows, highs);
    }

    /// <summary>Start-up waits for the broker or the topic: retried every second, each wait logged, until available or stopping.</summary>
    private T UntilAvailable<T>(Func<T?> attempt, string unavailable, CancellationToken stoppingToken)
        where T : struct
    {
        while (true)
        {
            string reason = unavailable;
            try
            {
                if (attempt() is { } result)
                {
                    return result;
                }
            }
            catch (KafkaException exception)
            {
                reason = exception.Error.Reason;
            }

            KafkaLog.WaitingForTopic(logger, _options.Topic, _options.BootstrapServers ?? "", reason);
            stoppingToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            stoppingToken.ThrowIfCancellationRequested();
        }
    }
}
