using System.ComponentModel.DataAnnotations;

namespace SendGate.Server.Hosting;

/// <summary>gRPC server settings (configuration section <c>Grpc</c>).</summary>
internal sealed class GrpcServerOptions
{
    public const string SectionName = "Grpc";

    /// <summary>Largest request message accepted; larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    [Range(1024, int.MaxValue - 5)]
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message sent; a handler producing a larger one fails with RESOURCE_EXHAUSTED.</summary>
    [Range(1024, int.MaxValue - 5)]
    public int MaxSendMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Send exception messages to clients (development only): otherwise they get "Exception was thrown by handler."</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>Serve grpc.reflection (v1 and v1alpha) so that grpcurl and Postman can list and call methods.</summary>
    public bool EnableReflection { get; set; } = true;

    /// <summary>Socket completions inline on the socket engine's thread (see <see cref="InlineCompletions"/>).</summary>
    public bool InlineCompletions { get; set; } = true;

    public GrpcHttp2Options Http2 { get; set; } = new();

    public GrpcTlsOptions Tls { get; set; } = new();
}

/// <summary>Kestrel's HTTP/2 limits, with defaults sized for batch calls of up to megabytes.</summary>
internal sealed class GrpcHttp2Options
{
    [Range(1, 65_535)]
    public int MaxStreamsPerConnection { get; set; } = 256;

    /// <summary>Bytes a connection may have in flight before the client waits for a window update (Kestrel's default is 1 MiB).</summary>
    [Range(65_535, int.MaxValue)]
    public int InitialConnectionWindowSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Bytes one stream may have in flight (Kestrel's default is 768 KiB).</summary>
    [Range(65_535, int.MaxValue)]
    public int InitialStreamWindowSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Largest HTTP/2 frame a client may send (SETTINGS_MAX_FRAME_SIZE). 64 KiB: a 1,000-recipient
    /// request (~16 KB) arrives as one DATA frame instead of two (HTTP/2's default is 16 KiB).
    /// </summary>
    [Range(16_384, 16_777_215)]
    public int MaxFrameSize { get; set; } = 64 * 1024;

    /// <summary>Ping idle connections after this long to detect dead peers (null: never).</summary>
    public TimeSpan? KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);
}

/// <summary>TLS for the gRPC endpoints (https:// URLs). Without a certificate, http:// endpoints serve h2c.</summary>
internal sealed class GrpcTlsOptions
{
    /// <summary>PEM certificate (with chain) or a PFX/PKCS#12 file.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key, when the certificate is PEM.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Password of a PFX file or an encrypted PEM key.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// PEM file of the CA(s) that sign client certificates (mutual TLS). When set, clients may
    /// present a certificate, and one that does not chain to these CAs ends the handshake.
    /// </summary>
    public string? ClientCaPath { get; set; }

    /// <summary>With <see cref="ClientCaPath"/>: refuse connections without a client certificate (otherwise API keys still work).</summary>
    public bool RequireClientCertificate { get; set; }
}
