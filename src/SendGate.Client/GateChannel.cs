using System.Net.Security;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace SendGate.Client;

/// <summary>
/// Grpc.Net.Client channels to a gate. One channel per gate, shared by every call and thread
/// (it pools its HTTP/2 connections); pass it to the generated client:
/// <code>
/// using var channel = GateChannel.Create(new GateClientOptions { Address = new("https://gate:50051"), ApiKey = key });
/// var gate = new Gate.GateClient(channel);
/// var answer = await gate.CheckAsync(request, deadline: DateTime.UtcNow.AddSeconds(2));
/// </code>
/// </summary>
public static class GateChannel
{
    public static GrpcChannel Create(GateClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var address = options.Address;
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = options.MultipleConnections,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        };
        if (!GateAddress.TryParse(address.OriginalString, out _, out string problem))
        {
            throw new ArgumentException(problem, nameof(options));
        }

        if (address.Scheme == GateAddress.UnixScheme)
        {
            // The socket path is the address; HTTP/2 itself still needs an authority, any will do.
            var endpoint = new UnixDomainSocketEndPoint(address.AbsolutePath);
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
            address = new Uri("http://localhost");
        }
        if (address.Scheme == "https")
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = options.ClientCertificate is null ? null : [options.ClientCertificate],
#pragma warning disable CA5359 // Opt-in, for development certificates only (AcceptAnyServerCertificate, off by default).
                RemoteCertificateValidationCallback = options.AcceptAnyServerCertificate ? static (_, _, _, _) => true : null,
#pragma warning restore CA5359
            };
        }

        var channelOptions = new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxReceiveMessageSize,
            MaxSendMessageSize = null,
            // Requests are kept for a retry up to these sizes; a larger call is simply not retried.
            MaxRetryBufferPerCallSize = 8 * 1024 * 1024,
            ServiceConfig = options.MaxAttempts > 1 ? RetryingConfig(options.MaxAttempts) : null,
        };
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            string authorization = "Bearer " + options.ApiKey;
            var key = CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", authorization);
                return Task.CompletedTask;
            });
            channelOptions.Credentials = ChannelCredentials.Create(address.Scheme == "https" ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, key);
            // h2c (loopback, a Unix socket, or TLS ended by a sidecar): the key goes in the clear on that hop.
            channelOptions.UnsafeUseInsecureChannelCallCredentials = address.Scheme == "http";
        }

        return GrpcChannel.ForAddress(address, channelOptions);
    }

    /// <summary>
    /// Retries per the gRPC retry design (A6): RESOURCE_EXHAUSTED after the gate's pushback (a
    /// negative pushback — a batch over the client's cap — stops retrying), UNAVAILABLE with backoff.
    /// grpc-dotnet treats more than 5 attempts as 5.
    /// </summary>
    private static ServiceConfig RetryingConfig(int attempts) => new()
    {
        MethodConfigs =
        {
            new MethodConfig
            {
                Names = { MethodName.Default },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = attempts,
                    InitialBackoff = TimeSpan.FromMilliseconds(50),
                    MaxBackoff = TimeSpan.FromSeconds(2),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.ResourceExhausted, StatusCode.Unavailable },
                },
            },
        },
    };
}
