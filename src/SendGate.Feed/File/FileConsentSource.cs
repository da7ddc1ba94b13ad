using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGate.Core.Consent;
using SendGate.Feed.Checkpoints;
using SendGate.Feed.Pipeline;
using SendGate.Feed.Status;
using SendGate.Iys;

namespace SendGate.Feed.File;

/// <summary>
/// An İYS JSON Lines file as a consent source: all of it at start (the gate is not ready until
/// then), then whatever is appended, looked for every poll interval — each look that finds the
/// end also confirms the gate is current. Lines that do not parse or validate are reported by
/// line number and reason (never content). Positions are [byte offset, lines]; a restart
/// resumes there (the file is append-only; one that is now shorter is read again from its start).
/// </summary>
public sealed class FileConsentSource(
    FeedEventFactory factory,
    FeedMetrics metrics,
    IOptions<FileFeedOptions> options,
    ILogger<FileConsentSource> logger,
    TimeProvider clock) : IConsentSource
{
    private const int DetailedErrors = 20;
    private readonly FileFeedOptions _options = options.Value;
    private readonly IysLineDecoder _decoder = new(factory);
    private LineReader? _reader;
    private long _lines;
    private bool _loaded;
    private bool _midRead;
    private bool _shrank;
    private long _rejected;
    private DateTimeOffset _nextPoll;

    private string Path => _options.Path ?? throw new InvalidOperationException("Feed:File:Path is not set.");

    public string Name => "file:" + System.IO.Path.GetFullPath(Path);

    public string DisplayName => "file:" + System.IO.Path.GetFileName(Path);

    public long[] Open(FeedResumePoint? resumePoint, CancellationToken cancellationToken)
    {
        try
        {
            long length = new FileInfo(Path).Length;
            long offset = 0;
            if (resumePoint is { Positions: [long recorded, long lines] })
            {
                if (recorded > length)
                {
                    FeedLog.ResumeBeyondEnd(logger, Path, length, recorded); // read again from the start: re-applied lines are harmless
                }
                else
                {
                    (offset, _lines) = (recorded, lines);
                    FeedLog.Resuming(logger, Path, offset, lines);
                }
            }

            _reader = new LineReader(Path, offset);
            FeedLog.LoadStarting(logger, Path, length);
            return [offset, _lines];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            FeedLog.FileUnreadable(logger, Path, exception.Message);
            throw new FeedSourceException($"cannot read the consent file {Path}: {exception.Message}", exception);
        }
    }

    public void Read(EventBatch batch, TimeSpan wait, CancellationToken cancellationToken)
    {
        var reader = _reader ?? throw new InvalidOperationException("Open first.");
        if (_loaded && !_midRead && !PollDue(wait, cancellationToken))
        {
            batch.EndPositions = [reader.Offset, _lines];
            return;
        }

        try
        {
            if (_loaded && reader.Length < reader.Offset)
            {
                if (!_shrank)
                {
                    _shrank = true;
                    FeedLog.FileShrank(logger, Path, reader.Length, reader.Offset);
                }

                // Not current any more: freshness stops advancing, commercial checks go stale.
                batch.EndPositions = [reader.Offset, _lines];
                return;
            }

            var looked = clock.GetUtcNow();
            bool atEnd = Fill(batch, reader);
            _midRead = !atEnd; // a full batch: read on at once, the poll interval is for finding nothing
            if (atEnd)
            {
                _loaded = true;
                batch.FreshAsOf = looked; // everything the file held when we looked is in this batch or before it
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            FeedLog.FileUnreadable(logger, Path, exception.Message);
        }

        batch.EndPositions = [reader.Offset, _lines];
    }

    public DecodedEvent Decode(EventBatch batch, int index) => _decoder.Decode(batch.Payload(index, out _));

    public void Reject(EventBatch batch, int index, string reason, CancellationToken cancellationToken)
    {
        metrics.RecordRejected();
        long rejected = ++_rejected;
        if (rejected <= DetailedErrors)
        {
            FeedLog.LineRejected(logger, batch.Position(index), reason);
        }
        else if (rejected == DetailedErrors + 1)
        {
            FeedLog.MoreLinesRejected(logger);
        }
    }

    public void Applied(EventBatch batch)
    {
    }

    public IReadOnlyList<FeedPosition> Positions(long[] applied) => [new FeedPosition(DisplayName, 0, applied.Length > 1 ? applied[1] : 0)];

    /// <summary>Lines still to read, estimated from the bytes left and the average line so far (the file says nothing else).</summary>
    public long Backlog(long[] applied)
    {
        ArgumentNullException.ThrowIfNull(applied);
        long length = _reader?.Length ?? 0;
        if (applied is not [long offset, long lines] || offset <= 0 || length <= offset)
        {
            return 0;
        }

        return (long)((double)(length - offset) * lines / offset);
    }

    public void Dispose() => _reader?.Dispose();

    /// <summary>
    /// Adds complete lines (during the first load also an unterminated last one: the file is
    /// taken as it is) until the batch is full; true when the end was reached.
    /// </summary>
    private bool Fill(EventBatch batch, LineReader reader)
    {
        while (batch.HasRoom)
        {
            if (!reader.TryReadLine(includeUnterminated: !_loaded, out var line))
            {
                return true;
            }

            _lines++;
            if (!line.IsEmpty)
            {
                batch.Add(line, 0, _lines);
            }
        }

        return false;
    }

    /// <summary>Following: waits (at most <paramref name="wait"/>) for the next poll; true when it is due.</summary>
    private bool PollDue(TimeSpan wait, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now < _nextPoll)
        {
            var remaining = _nextPoll - now;
            Task.Delay(remaining < wait ? remaining : wait, clock, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default).Wait(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            if (clock.GetUtcNow() < _nextPoll)
            {
                return false;
            }
        }

        _nextPoll = clock.GetUtcNow() + _options.PollInterval;
        return true;
    }
}
