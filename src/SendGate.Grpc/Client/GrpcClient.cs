using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using SendGate.Grpc.Protocol;

namespace SendGate.Grpc.Client;

/// <summary>
/// A gRPC client over <see cref="SocketsHttpHandler"/>: HTTP/2 with prior knowledge for http://
/// (h2c), ALPN for https://; unary and duplex-streaming calls with deadlines and metadata.
/// Thread-safe; create one per target and share it.
/// </summary>
public sealed class GrpcClient : IDisposable
{
    private readonly HttpMessageInvoker[] _invokers;
    private readonly ConcurrentDictionary<string, Uri> _uris = new(StringComparer.Ordinal);
    private uint _next;

    public GrpcClient(GrpcClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Connections, 1);
        Options = options;
        _invokers = [.. Enumerable.Range(0, options.Connections).Select(_ => new HttpMessageInvoker(CreateHandler(options), disposeHandler: true))];
    }

    public GrpcClientOptions Options { get; }

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, TRequest request, GrpcCallOptions options = default) =>
        (await UnaryCallAsync(method, request, options).ConfigureAwait(false)).Message;

    /// <summary>A unary call, with the response's headers and trailers.</summary>
    public async Task<GrpcResponse<TResponse>> UnaryCallAsync<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, TRequest request, GrpcCallOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        using var scope = new ClientCallScope(options);
        try
        {
            using var message = CreateRequest(method.FullName, options, new UnaryRequestContent<TRequest>(request, method.RequestMarshaller, Options.MaxSendMessageSize));
            using var response = await NextInvoker().SendAsync(message, scope.Token).ConfigureAwait(false);
            var headers = ClientCallScope.ReadMetadata(response.Headers);
            if (ClientCallScope.CheckResponseHead(response) is { } early)
            {
                throw new GrpcException(early.Code == StatusCode.OK ? new GrpcStatus(StatusCode.Internal, "The server ended the call without a response message.") : early, headers);
            }

            var reader = new ResponseFrameReader(await response.Content.ReadAsStreamAsync(scope.Token).ConfigureAwait(false), Options.MaxReceiveMessageSize);
            var (read, result) = await reader.ReadAsync(method.ResponseMarshaller, scope.Token).ConfigureAwait(false);
            bool extra = read && (await reader.ReadAsync(method.ResponseMarshaller, scope.Token).ConfigureAwait(false)).Read;
            var trailers = ClientCallScope.ReadMetadata(response.TrailingHeaders);
            var status = ClientCallScope.ReadStatus(response.TrailingHeaders) ?? new GrpcStatus(StatusCode.Internal, "The response ended without a grpc-status.");
            if (status.Code != StatusCode.OK)
            {
                throw new GrpcException(status, trailers);
            }

            if (!read || extra)
            {
                throw new GrpcException(StatusCode.Internal, read ? "The server sent more than one response message." : "The server ended the call without a response message.");
            }

            return new GrpcResponse<TResponse>(result, headers, trailers);
        }
        catch (Exception exception) when (exception is not GrpcException || scope.Token.IsCancellationRequested)
        {
            throw scope.Translate(exception);
        }
    }

    /// <summary>Starts a duplex-streaming call. Write requests, complete, and read responses concurrently as the protocol allows.</summary>
    public DuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, GrpcCallOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        var scope = new ClientCallScope(options);
        var content = new DuplexRequestContent();
        var message = CreateRequest(method.FullName, options, content);
        // Not awaited: a duplex server may send its headers only with its first response,
        // which may only come after our first request message.
        var responseTask = NextInvoker().SendAsync(message, scope.Token);
        return new DuplexStreamingCall<TRequest, TResponse>(method, content, responseTask, scope, message, Options);
    }

    /// <summary>A server-streaming call: one request, then read the responses.</summary>
    public async Task<DuplexStreamingCall<TRequest, TResponse>> ServerStreamingAsync<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, TRequest request, GrpcCallOptions options = default)
    {
        var call = DuplexStreaming(method, options);
        await call.WriteAsync(request).ConfigureAwait(false);
        call.Complete();
        return call;
    }

    public void Dispose()
    {
        foreach (var invoker in _invokers)
        {
            invoker.Dispose();
        }
    }

    private HttpMessageInvoker NextInvoker() =>
        _invokers.Length == 1 ? _invokers[0] : _invokers[Interlocked.Increment(ref _next) % (uint)_invokers.Length];

    private HttpRequestMessage CreateRequest(string path, GrpcCallOptions options, HttpContent content)
    {
        var uri = _uris.GetOrAdd(path, static (p, address) => new Uri(address, p), Options.Address);
        var message = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = message.Headers;
        headers.TryAddWithoutValidation("te", "trailers");
        headers.TryAddWithoutValidation("user-agent", Options.UserAgent);
        if (options.Timeout is { } timeout)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcProtocol.FormatTimeout(timeout));
        }

        if (options.Headers is { } extra)
        {
            foreach (var (name, value) in extra)
            {
                headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    private static SocketsHttpHandler CreateHandler(GrpcClientOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            InitialHttp2StreamWindowSize = options.InitialStreamWindowSize,
        };
        if (options.KeepAlivePingDelay is { } ping)
        {
            handler.KeepAlivePingDelay = ping;
            handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
            handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests;
        }

        if (options.AcceptAnyServerCertificate || options.ClientCertificates is not null)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = options.ClientCertificates,
#pragma warning disable CA5359 // Opt-in, for development certificates only (AcceptAnyServerCertificate, off by default).
                RemoteCertificateValidationCallback = options.AcceptAnyServerCertificate ? static (_, _, _, _) => true : null,
#pragma warning restore CA5359
            };
        }

        return handler;
    }
}
