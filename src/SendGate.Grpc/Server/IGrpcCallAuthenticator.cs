namespace SendGate.Grpc.Server;

/// <summary>
/// Admits or refuses every call before its handler runs, and names the caller for the handler
/// (<see cref="GrpcCallContext.Caller"/>). Registered as a singleton, it is asked on every call,
/// health and reflection included; the transport itself knows nothing of identities.
/// </summary>
public interface IGrpcCallAuthenticator
{
    /// <summary>Null to admit the call; otherwise the status it ends with (no handler runs).</summary>
    GrpcStatus? Authenticate(GrpcCallContext context);
}
