using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using SendGate.Grpc.Protocol;

namespace SendGate.Grpc.Server;

/// <summary>
/// One server call: what a handler may know about it (method, metadata, deadline, peer), and the
/// transport's mechanics for it (message framing on Kestrel's body pipes, status in trailers).
/// Messages are read from <see cref="HttpRequest.BodyReader"/> and written to
/// <see cref="HttpResponse.BodyWriter"/> without intermediate copies.
/// </summary>
public sealed class GrpcCallContext
{
    private static readonly StringValues GrpcContentType = GrpcProtocol.ContentType;
    private static readonly StringValues IdentityOnly = GrpcProtocol.IdentityEncoding;
    private static readonly string[] StatusStrings = [.. Enumerable.Range(0, 17).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private readonly HttpContext _http;
    private readonly GrpcServerOptions _options;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly CancellationTokenSource? _deadline;
    private bool _bodyStarted;
    private bool _clientReset;
    private bool _readPending;
    private SequencePosition _pendingConsumed;
    private List<KeyValuePair<string, string>>? _trailers;

    internal GrpcCallContext(HttpContext http, string method, GrpcServerOptions options, TimeSpan? timeout)
    {
        _http = http;
        _options = options;
        _reader = http.Request.BodyReader;
        _writer = http.Response.BodyWriter;
        Method = method;
        if (timeout is { } t)
        {
            // Linked only when there is a deadline: calls without one allocate nothing for it.
            _deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            _deadline.CancelAfter(t);
            Deadline = DateTimeOffset.UtcNow + t;
            CancellationToken = _deadline.Token;
        }
        else
        {
            CancellationToken = http.RequestAborted;
        }

        http.Response.ContentType = GrpcContentType;
        http.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = IdentityOnly;
    }

    /// <summary>The :path, "/package.Service/Method".</summary>
    public string Method { get; }

    public HttpContext HttpContext => _http;

    /// <summary>Request metadata (HTTP/2 headers), for authentication and the like.</summary>
    public IHeaderDictionary RequestHeaders => _http.Request.Headers;

    /// <summary>When the client stops waiting; null when it set no deadline.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>Cancelled when the client cancels, the connection drops, or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The client's address and port.</summary>
    public string Peer => $"{_http.Connection.RemoteIpAddress}:{_http.Connection.RemotePort}";

    /// <summary>Who is calling, as the <see cref="IGrpcCallAuthenticator"/> established it; null without one.</summary>
    public object? Caller { get; set; }

    /// <summary>Per-call state for filters and handlers.</summary>
    public IDictionary<object, object?> Items => _http.Items;

    /// <summary>An ASCII metadata value, or null.</summary>
    public string? GetHeader(string name)
    {
        var values = _http.Request.Headers[name];
        return values.Count == 0 ? null : values[0];
    }

    /// <summary>A binary (-bin) metadata value, base64 decoded (padded or not), or null when absent or malformed.</summary>
    public byte[]? GetBinaryHeader(string name)
    {
        string? value = GetHeader(name);
        if (value is null)
        {
            return null;
        }

        value = value.Trim();
        int padding = (4 - (value.Length % 4)) % 4;
        try
        {
            return Convert.FromBase64String(padding == 0 ? value : value + new string('=', padding));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Adds metadata sent with the status at the end of the call.</summary>
    public void AddResponseTrailer(string name, string value) => (_trailers ??= []).Add(new(name, value));

    internal bool IsDeadlineExceeded => _deadline is { IsCancellationRequested: true } && !IsClientCancelled;

    /// <summary>
    /// The client reset the stream or dropped the connection. Kestrel fails a pending body read
    /// with an IOException before it cancels RequestAborted (that is queued to the thread pool),
    /// so the read failure itself counts.
    /// </summary>
    internal bool IsClientCancelled => _clientReset || _http.RequestAborted.IsCancellationRequested;

    /// <summary>Reads the one request message of a unary or server-streaming call, up to the end of the request.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<T> ReadSingleMessageAsync<T>(GrpcMarshaller<T> marshaller)
    {
        while (true)
        {
            var result = await ReadBodyAsync(CancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryReadFrame(buffer, out var payload))
            {
                if (buffer.Length > payload.Length + GrpcProtocol.FrameHeaderSize)
                {
                    throw new GrpcException(StatusCode.Internal, "Additional data after the message received.");
                }

                if (result.IsCompleted)
                {
                    var message = Parse(marshaller, payload);
                    // Keep the bytes until the call ends: the message may refer to them.
                    _readPending = true;
                    _pendingConsumed = buffer.End;
                    return message;
                }
            }
            else if (result.IsCompleted)
            {
                throw new GrpcException(StatusCode.Internal, buffer.IsEmpty ? "Request did not contain a message." : "Incomplete message.");
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads the next message of a client- or duplex-streaming call; the previous one's bytes are released first.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<(bool Read, T Message)> ReadNextMessageAsync<T>(GrpcMarshaller<T> marshaller, CancellationToken cancellationToken)
    {
        ReleasePendingRead();
        var token = cancellationToken.CanBeCanceled ? cancellationToken : CancellationToken;
        while (true)
        {
            var result = await ReadBodyAsync(token).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryReadFrame(buffer, out var payload))
            {
                var message = Parse(marshaller, payload);
                _readPending = true;
                _pendingConsumed = payload.End;
                return (true, message);
            }

            if (result.IsCompleted)
            {
                _reader.AdvanceTo(buffer.End);
                if (!buffer.IsEmpty)
                {
                    throw new GrpcException(StatusCode.Internal, "Incomplete message.");
                }

                return (false, default!);
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Frames and writes one response message; flushes when asked (streaming), else it leaves with the trailers.</summary>
    internal ValueTask WriteMessageAsync<T>(T message, GrpcMarshaller<T> marshaller, bool flush, CancellationToken cancellationToken)
    {
        int size = marshaller.GetSize(message);
        if (size > _options.MaxSendMessageSize)
        {
            ThrowSendTooLarge(size);
        }

        var header = _writer.GetSpan(GrpcProtocol.FrameHeaderSize);
        header[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)size);
        _writer.Advance(GrpcProtocol.FrameHeaderSize);
        marshaller.Write(message, _writer);
        // Response.HasStarted stays false until a flush: this flag decides trailers vs trailers-only.
        _bodyStarted = true;
        return flush ? FlushAsync(cancellationToken.CanBeCanceled ? cancellationToken : CancellationToken) : default;
    }

    /// <summary>Maps what ended the call to its status; unexpected exceptions are logged and reported without internals.</summary>
    internal GrpcStatus StatusFrom(Exception exception, ILogger logger)
    {
        if (exception is GrpcException grpc)
        {
            foreach (var trailer in grpc.Trailers)
            {
                AddResponseTrailer(trailer.Key, trailer.Value);
            }

            return grpc.Status;
        }

        if (IsClientCancelled)
        {
            return new GrpcStatus(StatusCode.Cancelled, "The call was cancelled by the client.");
        }

        if (IsDeadlineExceeded && exception is OperationCanceledException or IOException)
        {
            return new GrpcStatus(StatusCode.DeadlineExceeded, "Deadline exceeded.");
        }

        if (exception is OperationCanceledException)
        {
            return new GrpcStatus(StatusCode.Cancelled, "The call was cancelled.");
        }

        GrpcLog.HandlerFailed(logger, Method, exception);
        return new GrpcStatus(StatusCode.Unknown, _options.EnableDetailedErrors
            ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
            : "Exception was thrown by handler.");
    }

    /// <summary>Ends the call: the status in trailers, or in the headers (trailers-only) when nothing was sent.</summary>
    internal void Finish(GrpcStatus status)
    {
        ReleasePendingRead();
        _deadline?.Dispose();
        if (IsClientCancelled)
        {
            return; // the stream is gone; nothing can be sent
        }

        var response = _http.Response;
        if (!_bodyStarted && !response.HasStarted)
        {
            WriteStatus(response.Headers, status, _trailers);
            return;
        }

        response.AppendTrailer(GrpcProtocol.StatusHeader, StatusString(status.Code));
        if (!string.IsNullOrEmpty(status.Detail))
        {
            response.AppendTrailer(GrpcProtocol.MessageHeader, GrpcProtocol.PercentEncode(status.Detail));
        }

        if (_trailers is not null)
        {
            foreach (var (name, value) in _trailers)
            {
                response.AppendTrailer(name, value);
            }
        }
    }

    /// <summary>A trailers-only response for calls that end before a handler runs (unknown method and the like).</summary>
    internal static void WriteTrailersOnly(HttpResponse response, GrpcStatus status)
    {
        response.ContentType = GrpcContentType;
        WriteStatus(response.Headers, status, null);
    }

    private static void WriteStatus(IHeaderDictionary headers, GrpcStatus status, List<KeyValuePair<string, string>>? extra)
    {
        headers[GrpcProtocol.StatusHeader] = StatusString(status.Code);
        if (!string.IsNullOrEmpty(status.Detail))
        {
            headers[GrpcProtocol.MessageHeader] = GrpcProtocol.PercentEncode(status.Detail);
        }

        if (extra is not null)
        {
            foreach (var (name, value) in extra)
            {
                headers.Append(name, value);
            }
        }
    }

    private static string StatusString(StatusCode code) =>
        (uint)code < (uint)StatusStrings.Length ? StatusStrings[(int)code] : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static T Parse<T>(GrpcMarshaller<T> marshaller, in ReadOnlySequence<byte> payload)
    {
        try
        {
            return marshaller.Parse(payload);
        }
        catch (Exception exception) when (exception is not GrpcException)
        {
            // InvalidProtocolBufferException is an IOException: it must not be mistaken for a dropped connection.
            throw new GrpcException(new GrpcStatus(StatusCode.Internal, "Failed to deserialize request message."), null, exception);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowSendTooLarge(int size) =>
        throw new GrpcException(StatusCode.ResourceExhausted, $"Sending message exceeds the maximum configured message size ({size} > {_options.MaxSendMessageSize} bytes).");

    private bool TryReadFrame(in ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < GrpcProtocol.FrameHeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[GrpcProtocol.FrameHeaderSize];
        buffer.Slice(0, GrpcProtocol.FrameHeaderSize).CopyTo(header);
        if (header[0] != 0)
        {
            ThrowCompressed(header[0]);
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)_options.MaxReceiveMessageSize)
        {
            ThrowReceiveTooLarge(length);
        }

        if (buffer.Length < GrpcProtocol.FrameHeaderSize + length)
        {
            return false;
        }

        payload = buffer.Slice(GrpcProtocol.FrameHeaderSize, length);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowCompressed(byte flag)
    {
        string encoding = GetHeader(GrpcProtocol.EncodingHeader) ?? "none";
        throw flag == 1
            ? new GrpcException(StatusCode.Unimplemented, $"Compressed messages are not supported (grpc-encoding '{encoding}'); this server accepts identity only.")
            : new GrpcException(StatusCode.Internal, $"Invalid compressed-flag byte {flag}.");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowReceiveTooLarge(uint length) =>
        throw new GrpcException(StatusCode.ResourceExhausted, $"Received message exceeds the maximum configured message size ({length} > {_options.MaxReceiveMessageSize} bytes).");

    /// <summary>A body read; a reset stream surfaces as cancellation, as handlers expect.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> ReadBodyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            _clientReset = true;
            throw new OperationCanceledException("The client cancelled the call.", exception, cancellationToken);
        }
    }

    private void ReleasePendingRead()
    {
        if (_readPending)
        {
            _readPending = false;
            _reader.AdvanceTo(_pendingConsumed);
        }
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException("The response stream was closed.", cancellationToken);
        }
    }
}
