using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGate.Core.Consent;
using SendGate.Feed.Checkpoints;
using SendGate.Feed.Status;
using SendGate.Index;

namespace SendGate.Feed.File;

/// <summary>
/// Feeds the consent store from an İYS JSON Lines file: all of it at start (the gate is not
/// ready until then), then whatever is appended, checked every poll interval — each check
/// also confirms the gate is current with its source. Lines that do not parse or validate are
/// reported by line number and reason (never content) and skipped; they never stop the load.
/// With durable state, a restart resumes at the byte offset recorded with the checkpoint (the
/// file is append-only; one that is now shorter is read again from its start).
/// </summary>
public sealed class FileConsentFeed(
    ConsentStore store,
    FeedEventFactory factory,
    FeedStatus status,
    FeedMetrics metrics,
    IFeedCheckpoints checkpoints,
    IOptions<FileFeedOptions> options,
    ILogger<FileConsentFeed> logger,
    TimeProvider clock) : BackgroundService
{
    private const int DetailedErrors = 20;
    private readonly FileFeedOptions _options = options.Value;
    private readonly IysLineDecoder _decoder = new(factory);
    private long _lines;
    private long _rejected;
    private long _offset;

    /// <summary>Lines read so far (applied or rejected).</summary>
    public long Lines => Interlocked.Read(ref _lines);

    public long Rejected => Interlocked.Read(ref _rejected);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // The load is CPU-bound: its own thread, so host start-up and serving go on meanwhile.
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task Run(CancellationToken stoppingToken)
    {
        string path = _options.Path ?? throw new InvalidOperationException("Feed:File:Path is not set.");
        string name = "file:" + System.IO.Path.GetFileName(path);
        string source = "file:" + System.IO.Path.GetFullPath(path);
        try
        {
            Resume(checkpoints.Recover(source, stoppingToken), path);
            LoadAll(path, stoppingToken);
            checkpoints.Checkpoint(ResumePoint(source));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            FeedLog.FileUnreadable(logger, path, exception.Message);
            status.Fail(exception);
            return;
        }

        Publish(name);
        try
        {
            await Follow(path, name, source, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            checkpoints.Checkpoint(ResumePoint(source)); // at shutdown: the next start reads only what follows
        }
    }

    private async Task Follow(string path, string name, string source, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PollInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                using var reader = new JsonLinesReader(path);
                if (reader.Length < _offset)
                {
                    FeedLog.FileShrank(logger, path, reader.Length, _offset);
                    continue; // not current any more: freshness stops advancing, commercial checks go stale
                }

                if (reader.Length > _offset)
                {
                    ReadFrom(reader, includeUnterminated: false, stoppingToken);
                }

                Publish(name);
                if (checkpoints.Due)
                {
                    checkpoints.Checkpoint(ResumePoint(source));
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                FeedLog.FileUnreadable(logger, path, exception.Message);
            }
        }
    }

    private FeedResumePoint ResumePoint(string source) => new(source, [Interlocked.Read(ref _offset), Lines]);

    private void Resume(FeedResumePoint? resume, string path)
    {
        if (resume is not { Positions: [long offset, long lines] })
        {
            return;
        }

        long length = new FileInfo(path).Length;
        if (offset > length)
        {
            FeedLog.ResumeBeyondEnd(logger, path, length, offset);
            return; // read again from the start: re-applied lines are harmless
        }

        Interlocked.Exchange(ref _offset, offset);
        Interlocked.Exchange(ref _lines, lines);
        FeedLog.Resuming(logger, path, offset, lines);
    }

    private void LoadAll(string path, CancellationToken stoppingToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var reader = new JsonLinesReader(path);
        FeedLog.LoadStarting(logger, path, reader.Length);
        using (var progress = new Timer(_ => ReportProgress(stopwatch.Elapsed, reader), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)))
        {
            ReadFrom(reader, includeUnterminated: true, stoppingToken);
        }

        double seconds = stopwatch.Elapsed.TotalSeconds;
        double rate = Lines / Math.Max(seconds, 0.001);
        FeedLog.LoadFinished(logger, Lines, Rejected, store.Index.Count, store.Index.ClosureCount, seconds, rate);
    }

    private void ReportProgress(TimeSpan elapsed, JsonLinesReader reader)
    {
        long lines = Lines;
        long length = reader.Length;
        double percent = length == 0 ? 100 : 100.0 * reader.Position / length;
        double rate = lines / Math.Max(elapsed.TotalSeconds, 0.001);
        FeedLog.LoadProgress(logger, lines, percent, rate);
    }

    private void ReadFrom(JsonLinesReader reader, bool includeUnterminated, CancellationToken stoppingToken)
    {
        long lineNumber = Lines;
        var (offset, _) = reader.Read(_offset, includeUnterminated, line =>
        {
            lineNumber++;
            Interlocked.Increment(ref _lines);
            if (line.IsEmpty)
            {
                return;
            }

            string? error = Apply(line);
            if (error is null)
            {
                metrics.RecordApplied();
                return;
            }

            metrics.RecordRejected();
            if (Interlocked.Increment(ref _rejected) <= DetailedErrors)
            {
                FeedLog.LineRejected(logger, lineNumber, error);
            }
        }, stoppingToken);
        Interlocked.Exchange(ref _offset, offset);
        if (Rejected > DetailedErrors)
        {
            FeedLog.MoreLinesRejected(logger, Rejected - DetailedErrors);
        }
    }

    /// <summary>Applies one line; returns why it was refused, or null.</summary>
    private string? Apply(ReadOnlySpan<byte> line)
    {
        var decoded = _decoder.Decode(line);
        if (decoded.Change is { } change)
        {
            store.Apply(change);
        }
        else if (decoded.Closure is { } closure)
        {
            store.Apply(closure);
        }

        return decoded.Error;
    }

    private void Publish(string name) =>
        status.Publish(new FeedProgress([new FeedPosition(name, 0, Lines)], clock.GetUtcNow(), CaughtUp: true));
}
