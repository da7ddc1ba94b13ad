using System.Security.Cryptography.X509Certificates;

namespace SendGate.Client;

/// <summary>How to reach a gate: see <see cref="GateChannel.Create"/>.</summary>
public sealed class GateClientOptions
{
    /// <summary>
    /// <c>http://HOST:PORT</c> (h2c), <c>https://HOST:PORT</c> (TLS, ALPN h2) or
    /// <c>unix:/path/to/gate.sock</c> (h2c over a Unix domain socket, for a caller on the gate's host).
    /// </summary>
    public Uri Address { get; set; } = new("http://127.0.0.1:50051");

    /// <summary>
    /// The client's API key (<c>sgk_…</c>), sent with every call as <c>authorization: Bearer</c>.
    /// Null for a gate without access control, or one that knows the client by its certificate.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>The client certificate for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Trust any server certificate (tests and self-signed development gates only).</summary>
    public bool AcceptAnyServerCertificate { get; set; }

    /// <summary>
    /// Attempts per call (1: no retries). A call refused with RESOURCE_EXHAUSTED is retried after
    /// the gate's <c>grpc-retry-pushback-ms</c>, and not at all when the gate says retrying cannot help;
    /// UNAVAILABLE (a gate restarting) is retried with exponential backoff.
    /// </summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Largest response accepted (a Check answer is about one byte per recipient).</summary>
    public int MaxReceiveMessageSize { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Open further HTTP/2 connections when one has as many concurrent calls as the gate allows
    /// (Grpc:Http2:MaxStreamsPerConnection). On by default: a busy caller is not held to one connection's limit.
    /// </summary>
    public bool MultipleConnections { get; set; } = true;

    /// <summary>The same options for another gate (a shard's replica, say).</summary>
    public GateClientOptions At(Uri address)
    {
        var copy = (GateClientOptions)MemberwiseClone();
        copy.Address = address;
        return copy;
    }
}
