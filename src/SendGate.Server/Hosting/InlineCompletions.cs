namespace SendGate.Server.Hosting;

/// <summary>
/// Socket completions run inline, on the socket engine's thread, instead of hopping to the thread
/// pool. What runs there is Kestrel's HTTP/2 connection loop (frame parsing, dispatch); each
/// stream's request, our Check included, still runs on the pool, so the loop never waits on our
/// code. It saves a thread hop and a wake-up per read: on two cores, about a fifth of a call's CPU
/// (docs/performance.md, "What a call costs"). Kestrel's own inline pipe scheduling
/// (<c>UnsafePreferInlineScheduling</c>) was measured too and costs more than it saves here.
/// Off with <c>Grpc:InlineCompletions=false</c>.
/// </summary>
internal static class InlineCompletions
{
    /// <summary>Read when the process first creates a socket: set before Kestrel binds.</summary>
    private const string SocketsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void Enable()
    {
        if (Environment.GetEnvironmentVariable(SocketsVariable) is null)
        {
            Environment.SetEnvironmentVariable(SocketsVariable, "1");
        }
    }
}
