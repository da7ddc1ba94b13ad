using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace SendGate.Senders;

/// <summary>Log events of the sender adapters' shared part (8001–8009). No recipient is ever logged.</summary>
internal static partial class SenderLog
{
    [LoggerMessage(8001, LogLevel.Warning, "The gate did not answer a Check of {Recipients} recipients for brand {Brand}: {Status}: {Detail}. They are answered 'try later'.")]
    public static partial void GateFailed(ILogger logger, StatusCode status, string detail, int recipients, uint brand);

    [LoggerMessage(8002, LogLevel.Information, "{Adapter} is ready: {What}; gate {Gate}; admin on {Admin}")]
    public static partial void Ready(ILogger logger, string adapter, string what, string gate, string admin);
}
