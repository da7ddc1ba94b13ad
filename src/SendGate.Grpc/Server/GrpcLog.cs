using Microsoft.Extensions.Logging;

namespace SendGate.Grpc.Server;

/// <summary>The transport's log events, source-generated (no formatting unless the level is enabled).</summary>
internal static partial class GrpcLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "gRPC handler for {Method} threw; the client got UNKNOWN")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "gRPC call to unknown method {Path}")]
    public static partial void UnknownMethod(ILogger logger, string path);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "gRPC services: {Services}")]
    public static partial void ServicesMapped(ILogger logger, string services);
}
