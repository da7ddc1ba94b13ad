using Microsoft.Extensions.Logging;

namespace SendGate.Feed;

/// <summary>The feed's log events. Line errors carry a line number and a reason, never a recipient.</summary>
internal static partial class FeedLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Loading consents from {Path} ({Bytes} bytes)")]
    public static partial void LoadStarting(ILogger logger, string path, long bytes);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Line {Line} skipped: {Reason}")]
    public static partial void LineRejected(ILogger logger, long line, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "More lines are being skipped; only the first ones are listed (the metric sendgate.feed.events, outcome rejected, counts them all)")]
    public static partial void MoreLinesRejected(ILogger logger);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "Cannot read the consent file {Path}: {Reason}")]
    public static partial void FileUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "The consent file {Path} shrank to {Length} bytes below the {Offset} already applied; not following it until restarted")]
    public static partial void FileShrank(ILogger logger, string path, long length, long offset);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Resuming {Path} at byte {Offset} (line {Lines}), as recorded with the durable state")]
    public static partial void Resuming(ILogger logger, string path, long offset, long lines);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "The consent file {Path} has {Length} bytes, fewer than the {Offset} recorded with the durable state: reading it again from its start")]
    public static partial void ResumeBeyondEnd(ILogger logger, string path, long length, long offset);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Feeding from {Source}: {Backlog} events to catch up with")]
    public static partial void Starting(ILogger logger, string source, long backlog);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Catching up with {Source}: {Applied} events applied, {Backlog} to go, {PerSecond:F0} events/s")]
    public static partial void Progress(ILogger logger, string source, long applied, long backlog, double perSecond);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Caught up with {Source}: {Applied} events applied ({Rejected} rejected): {Tuples} consent tuples, {Closures} line closures, in {Seconds:F1} s ({PerSecond:F0} events/s)")]
    public static partial void CaughtUp(ILogger logger, string source, long applied, long rejected, long tuples, long closures, double seconds, double perSecond);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Error, Message = "Cannot feed from {Source}: {Reason}")]
    public static partial void SourceFailed(ILogger logger, string source, string reason);
}
