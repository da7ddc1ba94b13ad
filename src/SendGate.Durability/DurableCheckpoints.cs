using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Feed.Checkpoints;
using SendGate.Index;
using SendGate.Index.Snapshots;

namespace SendGate.Durability;

/// <summary>
/// Checkpoints and recovery over the FASTER store. A checkpoint is fixed by the feed's own thread
/// between two events, at the position it carries as its commit cookie: FASTER's checkpoint is
/// started and the hot index's snapshot begun there, and both are then written by a thread of
/// their own while the feed goes on (each holds at least the events up to that position, perhaps
/// a few after it, which the feed applies again on recovery: the Core rules make that harmless).
/// FASTER's hash index is written with a checkpoint only once the log has grown by
/// <see cref="DurabilityOptions.IndexCheckpointLogMiB"/> since it last was; between, a checkpoint is of the log
/// alone and is recovered over that full one. A manifest with the checksum of each file (the full one's index
/// files included) is written once everything is on disk, and only manifested checkpoints are ever recovered. Recovery
/// takes the newest one that verifies and opens, passing over (and logging) any that do not,
/// rebuilds the hot index from the durable log, and hands the feed its resume position;
/// events applied again after it are harmless, the Core rules being maxima.
/// </summary>
public sealed class DurableCheckpoints(
    ConsentStore store,
    FasterRecordStore records,
    RecipientHasher hasher,
    IOptions<DurabilityOptions> options,
    DurabilityMetrics metrics,
    ILogger<DurableCheckpoints> logger,
    TimeProvider clock) : IFeedCheckpoints
{
    private const string SnapshotSuffix = ".sgsnap";
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);
    private readonly DurabilityOptions _options = options.Value;
    private readonly string _manifests = Path.Combine(options.Value.Path ?? throw new InvalidOperationException("Durability:Path is not set."), "manifests");
    private readonly string _snapshots = Path.Combine(options.Value.Path!, "snapshots");
    private readonly string _keyId = hasher.KeyId.ToString("x8", CultureInfo.InvariantCulture);
    private long _sequence;
    private long _lastTicks;
    private bool _recovered;
    private FeedResumePoint? _lastPoint;
    private Task? _inFlight;
    private IndexBase? _base;

    public bool Due => _recovered && _inFlight is not { IsCompleted: false } &&
        clock.GetTimestamp() - Interlocked.Read(ref _lastTicks) >= _options.CheckpointInterval.TotalSeconds * clock.TimestampFrequency;

    public FeedResumePoint? Recover(string source, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        var started = Stopwatch.StartNew();
        DurabilityLog.Recovering(logger, _options.Path!);
        var passedOver = new List<string>();
        foreach (var (path, manifest, error) in CheckpointManifest.List(_manifests))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? problem = error ?? manifest!.Verify(records.CheckpointDirectory);
            if (problem is null && manifest!.HashingKeyId != _keyId)
            {
                throw new InvalidOperationException(
                    $"The durable state in {_options.Path} was written under hashing key {manifest.HashingKeyId}; this gate uses {_keyId}. " +
                    "Its keys cannot be mixed: point Durability:Path at an empty directory (the feed then replays from its beginning).");
            }

            FeedResumePoint? point = null;
            if (problem is null)
            {
                try
                {
                    byte[] cookie = records.Recover(manifest!.Base, manifest.Token);
                    problem = FeedResumePoint.TryDecode(cookie, out point) ? null : "its feed position does not decode";
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    problem = "FASTER cannot recover it: " + exception.Message;
                }
            }

            if (problem is not null)
            {
                DurabilityLog.CheckpointPassedOver(logger, Path.GetFileName(path), problem);
                passedOver.Add(path);
                continue;
            }

            if (point!.Source != source)
            {
                throw new InvalidOperationException(
                    $"The durable state in {_options.Path} was fed from {point.Source}; this gate reads {source}. " +
                    "Point Durability:Path at the directory of that feed, or at an empty one.");
            }

            double fasterSeconds = started.Elapsed.TotalSeconds;
            if (!TryLoadSnapshot(manifest!, point))
            {
                Rebuild(cancellationToken);
            }

            _sequence = manifest!.Sequence;
            var indexFiles = records.CheckpointFiles(manifest.Base, index: true).Select(file => Path.GetRelativePath(records.CheckpointDirectory, file)).ToHashSet(StringComparer.Ordinal);
            _base = new IndexBase(manifest.Base, manifest.Files.Where(file => indexFiles.Contains(file.Path)).ToList(), manifest.BaseLogBytes);
            Prune(passedOver, keep: _options.KeepCheckpoints);
            string resumes = point.ToString();
            double rebuildSeconds = started.Elapsed.TotalSeconds - fasterSeconds;
            DurabilityLog.Recovered(logger, manifest.Sequence, manifest.Token, manifest.Created, store.Index.Count, store.Index.ClosureCount, resumes, fasterSeconds, rebuildSeconds);
            _lastPoint = point;
            return Opened(point, started);
        }

        DurabilityLog.NoCheckpoint(logger, _options.Path!);
        records.OpenEmpty();
        Prune(passedOver, keep: 0);
        return Opened(null, started);
    }

    /// <summary>Takes a checkpoint and returns once it is on disk (a stopping feed's last one; tests).</summary>
    public void Checkpoint(FeedResumePoint point) => Take(point)?.GetAwaiter().GetResult();

    /// <summary>
    /// Fixes a checkpoint at <paramref name="point"/> and returns: FASTER's checkpoint is started and the index
    /// snapshot begun (<see cref="IndexSnapshot.Begin"/>), then both are written by a thread of their own while the
    /// feed goes on, and the manifest follows once both are on disk. The feed is held only for the start.
    /// </summary>
    public void BeginCheckpoint(FeedResumePoint point) => Take(point);

    /// <summary>The checkpoint at <paramref name="point"/>, running; null when none was needed or it could not start.</summary>
    private Task? Take(FeedResumePoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        WaitForInFlight();
        if (!_recovered)
        {
            return null; // nothing recovered or opened yet: there is no state to record
        }

        if (_lastPoint is not null && _lastPoint.Source == point.Source && _lastPoint.Positions.SequenceEqual(point.Positions))
        {
            Interlocked.Exchange(ref _lastTicks, clock.GetTimestamp());
            return null; // nothing applied since the last one: an idle gate does not rewrite its checkpoint
        }

        long sequence = _sequence + 1;
        var started = Stopwatch.StartNew();
        string position = point.ToString();
        DurabilityLog.CheckpointStarting(logger, sequence, position);
        Task<Guid>? faster = null;
        PendingSnapshot? snapshot = null;
        CheckpointState state;
        // FASTER's hash index is written again once the log has grown enough since the last time; between, the log alone.
        var over = _base is { } last && _options.IndexCheckpointLogMiB > 0 && records.LogBytes - last.LogBytes < ((long)_options.IndexCheckpointLogMiB << 20) ? last : null;
        try
        {
            byte[] encoded = point.Encode();
            faster = records.BeginCheckpoint(encoded, withIndex: over is null);
            state = new CheckpointState(sequence, point, store.Index.Count, store.Index.ClosureCount, store.NewestChange.Seconds, over);
            if (_options.IndexSnapshots)
            {
                string name = sequence.ToString("D12", CultureInfo.InvariantCulture) + SnapshotSuffix;
                DurabilityLog.SnapshotStarting(logger, sequence, name);
                snapshot = IndexSnapshot.Begin(store.Index, Path.Combine(_snapshots, name), hasher.KeyId, encoded);
            }
        }
        catch (Exception exception) when (IsCheckpointFailure(exception))
        {
            snapshot?.Dispose();
            Failed(sequence, exception);
            // A FASTER checkpoint already started must end before the next one can start; its outcome no longer matters.
            _inFlight = faster?.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return null;
        }

        double held = started.Elapsed.TotalMilliseconds;
        var task = Task.Factory.StartNew(() => Finish(state, faster, snapshot, started, held), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _inFlight = task;
        return task;
    }

    /// <summary>The checkpoint's own thread: the snapshot's file, FASTER's completion, then the manifest that makes both count.</summary>
    private void Finish(CheckpointState state, Task<Guid> faster, PendingSnapshot? snapshot, Stopwatch started, double heldMilliseconds)
    {
        try
        {
            string? snapshotName = null;
            if (snapshot is not null)
            {
                var info = snapshot.Write();
                snapshotName = Path.GetFileName(info.Path);
                DurabilityLog.SnapshotWritten(logger, snapshotName, state.Sequence, info.Bytes, info.Elapsed.TotalSeconds, info.WriterWaited.TotalMilliseconds);
            }

            var token = faster.GetAwaiter().GetResult();
            long logBytes = records.LogBytes;
            var indexBase = state.Over ?? new IndexBase(token, CheckpointManifest.Describe(records.CheckpointDirectory, records.CheckpointFiles(token, index: true)), logBytes);
            var files = indexBase.Files.Concat(CheckpointManifest.Describe(records.CheckpointDirectory, records.CheckpointFiles(token, index: false))).ToList();
            var now = clock.GetUtcNow();
            var manifest = new CheckpointManifest(state.Sequence, token, now, _keyId, state.Point.ToString(), state.Tuples, state.Closures, logBytes, started.Elapsed.TotalSeconds, files, snapshotName, state.NewestChange, state.Over?.Token, state.Over?.LogBytes ?? 0);
            manifest.Write(_manifests);
            _sequence = state.Sequence;
            _lastPoint = state.Point;
            _base = indexBase;
            double seconds = started.Elapsed.TotalSeconds;
            metrics.RecordCheckpoint(heldMilliseconds / 1000, seconds, now);
            long checkpointBytes = files.Sum(f => f.Bytes);
            DurabilityLog.CheckpointTaken(logger, state.Sequence, token, state.Over is null ? "full" : "log only", seconds, heldMilliseconds, manifest.Tuples, manifest.Closures, manifest.LogBytes, checkpointBytes);
            Prune([], _options.KeepCheckpoints);
        }
        catch (Exception exception) when (IsCheckpointFailure(exception))
        {
            Failed(state.Sequence, exception);
        }
        finally
        {
            snapshot?.Dispose();
            Interlocked.Exchange(ref _lastTicks, clock.GetTimestamp());
        }
    }

    private static bool IsCheckpointFailure(Exception exception) =>
        exception is IOException or UnauthorizedAccessException or InvalidOperationException or SnapshotException or FASTER.core.FasterException;

    private void Failed(long sequence, Exception exception)
    {
        metrics.RecordCheckpointFailed();
        DurabilityLog.CheckpointFailed(logger, sequence, exception.Message);
        Interlocked.Exchange(ref _lastTicks, clock.GetTimestamp());
    }

    /// <summary>One checkpoint at a time: FASTER takes no second while one runs, and the next builds on the last's sequence.</summary>
    internal void WaitForInFlight()
    {
        if (_inFlight is { } running)
        {
            running.GetAwaiter().GetResult(); // Finish catches what it expects; anything else is a bug and surfaces here
            _inFlight = null;
        }
    }

    private FeedResumePoint? Opened(FeedResumePoint? point, Stopwatch started)
    {
        metrics.RecordRecovery(started.Elapsed.TotalSeconds);
        Interlocked.Exchange(ref _lastTicks, clock.GetTimestamp());
        _recovered = true;
        return point;
    }

    /// <summary>
    /// Serves the snapshot taken with <paramref name="manifest"/>'s checkpoint when it loads and
    /// names the same feed position; false (and why, logged) when the index must be rebuilt from the log.
    /// </summary>
    private bool TryLoadSnapshot(CheckpointManifest manifest, FeedResumePoint point)
    {
        if (manifest.Snapshot is null)
        {
            return false; // taken without one (Durability:IndexSnapshots off, or an older version)
        }

        string reason;
        try
        {
            var (index, info) = IndexSnapshot.Load(Path.Combine(_snapshots, manifest.Snapshot), hasher.KeyId);
            if (info.Position.AsSpan().SequenceEqual(point.Encode()))
            {
                store.Replace(index);
                store.Restore(new ConsentTime(manifest.NewestChange));
                records.SetCount(index.Count);
                DurabilityLog.SnapshotLoaded(logger, manifest.Snapshot, index.Count, index.ClosureCount, info.Bytes, info.Elapsed.TotalSeconds);
                return true;
            }

            index.Dispose();
            reason = "it names another feed position than its checkpoint";
        }
        catch (Exception exception) when (exception is SnapshotException or IOException or UnauthorizedAccessException)
        {
            reason = exception.Message;
        }

        DurabilityLog.SnapshotUnusable(logger, manifest.Sequence, reason);
        return false;
    }

    /// <summary>Puts every record version in the log back into the hot index; the index keeps the ones that stand.</summary>
    private void Rebuild(CancellationToken cancellationToken)
    {
        var reported = Stopwatch.StartNew();
        var progress = new Progress(fraction =>
        {
            if (reported.Elapsed >= ProgressInterval)
            {
                DurabilityLog.RebuildProgress(logger, fraction * 100);
                reported.Restart();
            }
        });
        records.Scan(new Restorer(store), progress, cancellationToken);
        records.SetCount(store.Index.Count);
    }

    /// <summary>
    /// Keeps the newest <paramref name="keep"/> manifested checkpoints and removes the rest: the
    /// manifest first (so a crash midway never leaves a manifest without its checkpoint), then
    /// FASTER's files; checkpoints no manifest vouches for (interrupted or passed over) go too.
    /// </summary>
    private void Prune(IReadOnlyCollection<string> passedOver, int keep)
    {
        foreach (string path in passedOver)
        {
            File.Delete(path);
        }

        // The newest `keep`, and the full checkpoints they are recovered over (each a fallback of its own, too).
        var manifests = CheckpointManifest.List(_manifests).Where(m => m.Manifest is not null).ToList();
        var bases = manifests.Take(keep).Select(m => m.Manifest!.Base).ToHashSet();
        var kept = manifests.Where((m, i) => i < keep || bases.Contains(m.Manifest!.Token)).ToList();
        foreach (var (path, _, _) in manifests.Except(kept))
        {
            File.Delete(path);
        }

        var vouched = kept.Select(m => m.Manifest!.Token).Concat(bases).ToHashSet();
        foreach (var token in records.CheckpointTokens().Where(t => !vouched.Contains(t)))
        {
            records.Purge(token);
            DurabilityLog.Pruned(logger, token);
        }

        // Snapshots no kept manifest names: older ones, and those of checkpoints that never completed.
        var named = kept.Select(m => m.Manifest!.Snapshot).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (Directory.Exists(_snapshots))
        {
            foreach (string path in Directory.EnumerateFiles(_snapshots).Where(p => !named.Contains(Path.GetFileName(p))))
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>Synchronous progress: <see cref="Progress{T}"/> would post to the thread pool.</summary>
    private sealed class Progress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }

    /// <summary>
    /// What the manifest says of the state a checkpoint fixed, taken when it was fixed; <see cref="Over"/> is the full
    /// checkpoint a checkpoint of the log alone is recovered over (null: this one is full).
    /// </summary>
    private sealed record CheckpointState(long Sequence, FeedResumePoint Point, long Tuples, long Closures, uint NewestChange, IndexBase? Over);

    /// <summary>A full checkpoint whose hash index later checkpoints of the log alone build on: its files, and the log's size then.</summary>
    private sealed record IndexBase(Guid Token, IReadOnlyList<ManifestFile> Files, long LogBytes);

    private sealed class Restorer(ConsentStore store) : IConsentStateVisitor
    {
        public void Consent(in ConsentKey key, ConsentState state) => store.Restore(key, state);

        public void Closure(RecipientKey recipient, ConsentTime closedAt) => store.Restore(recipient, closedAt);

        public void Retailers(in ConsentKey key, ConsentState state, RetailerRule rule) => store.RestoreRetailers(key, state, rule);
    }
}
