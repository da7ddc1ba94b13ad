using System.Security.Cryptography.X509Certificates;

namespace SendGate.Grpc.Client;

public sealed class GrpcClientOptions
{
    /// <summary>http://host:port (h2c, prior knowledge) or https://host:port (TLS, ALPN h2).</summary>
    public required Uri Address { get; init; }

    /// <summary>
    /// Independent connection pools used round-robin. One HTTP/2 connection is served by one
    /// server thread at a time; several let a load driver use every core of the server.
    /// </summary>
    public int Connections { get; init; } = 1;

    public int MaxReceiveMessageSize { get; init; } = 64 * 1024 * 1024;

    public int MaxSendMessageSize { get; init; } = 64 * 1024 * 1024;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan? KeepAlivePingDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Initial HTTP/2 stream receive window: large responses need more than the 64 KiB default to stream at speed.</summary>
    public int InitialStreamWindowSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>For self-signed development certificates only.</summary>
    public bool AcceptAnyServerCertificate { get; init; }

    /// <summary>Client certificates for mutual TLS.</summary>
    public X509CertificateCollection? ClientCertificates { get; init; }

    public string UserAgent { get; init; } = "grpc-dotnet-sendgate/1.0";
}

/// <summary>Per-call settings.</summary>
public readonly record struct GrpcCallOptions(
    TimeSpan? Timeout = null,
    IReadOnlyList<KeyValuePair<string, string>>? Headers = null,
    CancellationToken CancellationToken = default);

/// <summary>A unary response with the metadata that came with it.</summary>
public sealed record GrpcResponse<T>(T Message, IReadOnlyList<KeyValuePair<string, string>> Headers, IReadOnlyList<KeyValuePair<string, string>> Trailers);

public static class GrpcMetadata
{
    /// <summary>A binary (-bin) metadata entry, base64 without padding as the spec asks.</summary>
    public static KeyValuePair<string, string> Binary(string name, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.EndsWith(Protocol.GrpcProtocol.BinaryHeaderSuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException("Binary metadata names end in -bin.", nameof(name));
        }

        return new(name, Convert.ToBase64String(value).TrimEnd('='));
    }
}
