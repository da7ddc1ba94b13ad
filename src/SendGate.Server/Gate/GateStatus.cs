using Grpc.Core;

namespace SendGate.Server.Gate;

/// <summary>The one place a <see cref="Rejection"/> becomes a gRPC status (and its retry hints).</summary>
internal static class GateStatus
{
    /// <summary>What gRPC clients' retry policies honour (gRPC A6); a negative value tells them not to retry.</summary>
    public const string RetryPushbackHeader = "grpc-retry-pushback-ms";

    /// <summary>The same hint for callers without a gRPC retry policy.</summary>
    public const string RetryAfterHeader = "retry-after-ms";

    public static StatusCode Code(RejectionKind kind) => kind switch
    {
        RejectionKind.InvalidRequest => StatusCode.InvalidArgument,
        RejectionKind.WrongHashingKey => StatusCode.FailedPrecondition,
        RejectionKind.Unauthenticated => StatusCode.Unauthenticated,
        RejectionKind.NotGranted => StatusCode.PermissionDenied,
        RejectionKind.OverLimit => StatusCode.ResourceExhausted,
        RejectionKind.NotConfigured => StatusCode.FailedPrecondition,
        RejectionKind.WrongShard => StatusCode.FailedPrecondition,
        RejectionKind.Unavailable => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };

    public static RpcException ToRpcException(Rejection rejection)
    {
        var status = new Status(Code(rejection.Kind), rejection.Sentence);
        if (rejection.Kind != RejectionKind.OverLimit)
        {
            return new RpcException(status);
        }

        // Over a limit: when to retry, or (batch over the cap, larger than the burst) that retrying the same request cannot help.
        string millis = rejection.RetryAfter is { } after ? Rejections.Millis(after) : "-1";
        var trailers = new Metadata { { RetryPushbackHeader, millis } };
        if (rejection.RetryAfter is not null)
        {
            trailers.Add(RetryAfterHeader, millis);
        }

        return new RpcException(status, trailers);
    }
}
