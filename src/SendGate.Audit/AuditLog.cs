using Microsoft.Extensions.Logging;

namespace SendGate.Audit;

/// <summary>The decision log's events (90xx): never a recipient, only the sink and what failed.</summary>
internal static partial class AuditLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "Decision log sink {Sink} failed; the record is counted in sendgate_decision_log_failed_total")]
    public static partial void SinkFailed(ILogger logger, string sink, Exception exception);
}
