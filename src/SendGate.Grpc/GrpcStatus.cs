namespace SendGate.Grpc;

/// <summary>The outcome of a call: a code and a human-readable detail (sent as grpc-message).</summary>
public readonly record struct GrpcStatus(StatusCode Code, string Detail)
{
    public static readonly GrpcStatus Ok = new(StatusCode.OK, string.Empty);

    public override string ToString() => string.IsNullOrEmpty(Detail) ? Code.ToString() : $"{Code}: {Detail}";
}

/// <summary>
/// Thrown by handlers to end a call with a status, and by the client when a call ends with one.
/// <see cref="Trailers"/> carries extra metadata (e.g. a retry hint) sent with the status.
/// </summary>
public sealed class GrpcException : Exception
{
    public GrpcException(StatusCode code, string detail)
        : this(new GrpcStatus(code, detail), null)
    {
    }

    public GrpcException(GrpcStatus status, IReadOnlyList<KeyValuePair<string, string>>? trailers = null, Exception? inner = null)
        : base(status.ToString(), inner)
    {
        Status = status;
        Trailers = trailers ?? [];
    }

    public GrpcException()
        : this(StatusCode.Unknown, string.Empty)
    {
    }

    public GrpcException(string message)
        : this(StatusCode.Unknown, message)
    {
    }

    public GrpcException(string message, Exception innerException)
        : this(new GrpcStatus(StatusCode.Unknown, message), null, innerException)
    {
    }

    public GrpcStatus Status { get; }

    public StatusCode StatusCode => Status.Code;

    public IReadOnlyList<KeyValuePair<string, string>> Trailers { get; }
}
