using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SendGate.Core.Consent;
using SendGate.Feed.Checkpoints;
using SendGate.Feed.Status;
using SendGate.Index;

namespace SendGate.Feed.Pipeline;

/// <summary>
/// The one feed lifecycle, whatever the source: recover the durable state, open the source at
/// the recorded positions, catch up, follow, checkpoint, publish status. Two threads and a short
/// queue of reused batches: the reading thread fills a batch and decodes it (parse, validate,
/// hash — in parallel when the batch is large, as during catch-up); the applying thread, the
/// consent store's one writer, applies batches in order and is the only one that moves the
/// positions a checkpoint records — so a checkpoint holds every event up to its positions (and, written while the
/// feed goes on, perhaps some after them, which a restart applies again to the same effect).
/// The gate is ready once a batch proves it current (<see cref="EventBatch.FreshAsOf"/>).
/// </summary>
public sealed partial class FeedRunner(
    IConsentSource source,
    ConsentStore store,
    FeedStatus status,
    FeedMetrics metrics,
    IFeedCheckpoints checkpoints,
    ILogger<FeedRunner> logger) : BackgroundService
{
    private const int BatchCapacity = 8192;
    private const int BatchesInFlight = 4;

    /// <summary>How many events ahead the writer hints the index (<see cref="ConsentStore.Prefetch"/>): enough misses in flight to cover one.</summary>
    private const int PrefetchDistance = 8;
    private static readonly TimeSpan ReadWait = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ProgressLogInterval = TimeSpan.FromSeconds(5);

    private long _applied;
    private long _rejected;

    /// <summary>Events applied since start (duplicates included).</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Events refused since start (reported or dead-lettered by the source).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Both loops block (librdkafka, file reads, the queue): threads of their own, not the pool's.
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        try
        {
            var started = Stopwatch.StartNew();
            var resume = checkpoints.Recover(source.Name, stoppingToken);
            long[] applied = source.Open(resume, stoppingToken);
            long backlog = source.Backlog(applied);
            FeedLog.Starting(logger, source.DisplayName, backlog);
            try
            {
                RunPipeline(ref applied, started, stoppingToken);
            }
            finally
            {
                checkpoints.Checkpoint(new FeedResumePoint(source.Name, applied)); // graceful stop: the next start replays nothing
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (FeedSourceException exception)
        {
            FeedLog.SourceFailed(logger, source.DisplayName, exception.Message);
            status.Fail(exception);
        }
        catch (Exception exception)
        {
            status.Fail(exception);
            throw;
        }
    }

    private void RunPipeline(ref long[] applied, Stopwatch started, CancellationToken stoppingToken)
    {
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var free = new BlockingCollection<EventBatch>();
        using var full = new BlockingCollection<EventBatch>(BatchesInFlight);
        for (int i = 0; i < BatchesInFlight + 2; i++)
        {
            free.Add(new EventBatch(BatchCapacity), CancellationToken.None);
        }

        var reading = Task.Factory.StartNew(() => ReadLoop(free, full, stopReading.Token), stopReading.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            ApplyLoop(free, full, ref applied, started, reading, stoppingToken);
        }
        finally
        {
            stopReading.Cancel();
            reading.ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(10), CancellationToken.None);
        }

        reading.GetAwaiter().GetResult(); // a reader that failed fails the feed
    }

    /// <summary>The reading thread: fill, decode, hand on.</summary>
    private void ReadLoop(BlockingCollection<EventBatch> free, BlockingCollection<EventBatch> full, CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = free.Take(stoppingToken);
                batch.Clear();
                source.Read(batch, ReadWait, stoppingToken);
                if (batch.Count == 0 && batch.FreshAsOf is null)
                {
                    free.Add(batch, stoppingToken); // nothing happened: no need to wake the writer
                    continue;
                }

                batch.DecodeWith(source);
                full.Add(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            full.CompleteAdding();
        }
    }

    /// <summary>The applying thread: the store's one writer, the checkpoints, the status.</summary>
    private void ApplyLoop(BlockingCollection<EventBatch> free, BlockingCollection<EventBatch> full, ref long[] applied, Stopwatch started, Task reading, CancellationToken stoppingToken)
    {
        var applier = new Applier(store, source, stoppingToken);
        DateTimeOffset? freshAsOf = null;
        bool caughtUp = false;
        var lastPublish = TimeSpan.Zero;
        var lastLog = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested && !full.IsCompleted)
        {
            bool publishNow = false;
            if (full.TryTake(out var batch, PublishInterval))
            {
                Apply(batch, applier);
                if (batch.EndPositions.Length > 0)
                {
                    applied = batch.EndPositions;
                }

                source.Applied(batch);
                if (batch.FreshAsOf is { } fresh)
                {
                    freshAsOf = fresh;
                    publishNow = true;
                    if (!caughtUp)
                    {
                        caughtUp = true;
                        double seconds = started.Elapsed.TotalSeconds;
                        long count = Applied;
                        long tuples = store.Index.Count;
                        long closures = store.Index.ClosureCount;
                        double rate = count / Math.Max(seconds, 0.001);
                        FeedLog.CaughtUp(logger, source.DisplayName, count, Rejected, tuples, closures, seconds, rate);
                    }
                }

                free.Add(batch, CancellationToken.None);
            }

            var now = started.Elapsed;
            if (publishNow || now - lastPublish >= PublishInterval)
            {
                status.Publish(new FeedProgress(source.Positions(applied), freshAsOf, caughtUp));
                lastPublish = now;
                if (checkpoints.Due)
                {
                    // Following, the checkpoint is written while the feed goes on (it must not hold up what is fresh);
                    // catching up, it is written with the feed held: the cores are busy, and a checkpoint written beside
                    // a catch-up slowed the 10^8 one down more than holding it did (docs/performance.md).
                    var point = new FeedResumePoint(source.Name, applied);
                    if (caughtUp)
                    {
                        checkpoints.BeginCheckpoint(point);
                    }
                    else
                    {
                        checkpoints.Checkpoint(point);
                    }
                }
            }

            if (!caughtUp && now - lastLog >= ProgressLogInterval)
            {
                long count = Applied;
                long backlog = source.Backlog(applied);
                double rate = count / Math.Max(now.TotalSeconds, 0.001);
                FeedLog.Progress(logger, source.DisplayName, count, backlog, rate);
                lastLog = now;
            }
        }

        if (reading.IsFaulted)
        {
            reading.GetAwaiter().GetResult();
        }
    }

    private void Apply(EventBatch batch, Applier applier)
    {
        long before = applier.Applied;
        applier.Batch = batch;
        for (int i = 0; i < Math.Min(PrefetchDistance, batch.Count); i++)
        {
            store.Prefetch(batch.Decoded(i));
        }

        for (int i = 0; i < batch.Count; i++)
        {
            if (i + PrefetchDistance < batch.Count)
            {
                store.Prefetch(batch.Decoded(i + PrefetchDistance));
            }

            applier.Index = i;
            batch.Decoded(i).Dispatch(applier);
        }

        long count = applier.Applied - before;
        metrics.RecordApplied(count);
        Interlocked.Add(ref _applied, count);
        Interlocked.Exchange(ref _rejected, applier.Rejected);
    }

    /// <summary>Where the dispatch of each decoded event leads: the store for changes and closures, the source for rejections.</summary>
    private sealed class Applier(ConsentStore store, IConsentSource source, CancellationToken stoppingToken) : IDecodedEventSink
    {
        public EventBatch? Batch { get; set; }

        public int Index { get; set; }

        public long Applied { get; private set; }

        public long Rejected { get; private set; }

        public void OnChange(ConsentChange change)
        {
            store.Apply(change);
            Applied++;
        }

        public void OnClosure(LineClosure closure)
        {
            store.Apply(closure);
            Applied++;
        }

        public void OnRejected(string reason)
        {
            source.Reject(Batch!, Index, reason, stoppingToken);
            Rejected++;
        }
    }

}
