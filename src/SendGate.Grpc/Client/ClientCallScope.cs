using System.Net.Http.Headers;
using SendGate.Grpc.Protocol;

namespace SendGate.Grpc.Client;

/// <summary>A client call's cancellation (caller's token plus deadline) and the mapping of what went wrong to a status.</summary>
internal sealed class ClientCallScope : IDisposable
{
    private readonly CancellationTokenSource? _source;
    private readonly CancellationToken _callerToken;

    public ClientCallScope(GrpcCallOptions options)
    {
        _callerToken = options.CancellationToken;
        if (options.Timeout is { } timeout)
        {
            _source = _callerToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(_callerToken) : new CancellationTokenSource();
            _source.CancelAfter(timeout > GrpcProtocol.MaxTimeout ? GrpcProtocol.MaxTimeout : timeout);
        }

        Token = _source?.Token ?? _callerToken;
    }

    public CancellationToken Token { get; }

    private bool DeadlineExceeded => _source is { IsCancellationRequested: true } && !_callerToken.IsCancellationRequested;

    public void Cancel() => _source?.Cancel();

    /// <summary>What the caller sees: a <see cref="GrpcException"/> with the status that fits.</summary>
    public GrpcException Translate(Exception exception)
    {
        if (exception is GrpcException grpc)
        {
            return grpc;
        }

        if (DeadlineExceeded)
        {
            return new GrpcException(new GrpcStatus(StatusCode.DeadlineExceeded, "Deadline exceeded."), null, exception);
        }

        if (exception is OperationCanceledException || _callerToken.IsCancellationRequested)
        {
            return new GrpcException(new GrpcStatus(StatusCode.Cancelled, "The call was cancelled."), null, exception);
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpProtocolException protocol)
            {
                var code = protocol.ErrorCode switch
                {
                    0x7 => StatusCode.Unavailable, // REFUSED_STREAM: nothing was processed; safe to retry elsewhere
                    0x8 => StatusCode.Cancelled,
                    0xb => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
                    0xc => StatusCode.PermissionDenied, // INADEQUATE_SECURITY
                    _ => StatusCode.Internal,
                };
                return new GrpcException(new GrpcStatus(code, $"HTTP/2 stream reset ({protocol.ErrorCode}): {protocol.Message}"), null, exception);
            }
        }

        return exception is HttpRequestException or IOException
            ? new GrpcException(new GrpcStatus(StatusCode.Unavailable, $"Error connecting to the server: {exception.Message}"), null, exception)
            : new GrpcException(new GrpcStatus(StatusCode.Internal, $"Client error: {exception.Message}"), null, exception);
    }

    public void Dispose() => _source?.Dispose();

    /// <summary>A status from response headers or trailers; null when they carry none.</summary>
    public static GrpcStatus? ReadStatus(HttpHeaders headers)
    {
        if (!headers.NonValidated.TryGetValues(GrpcProtocol.StatusHeader, out var statusValues))
        {
            return null;
        }

        string? text = statusValues.FirstOrDefault();
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int code))
        {
            return new GrpcStatus(StatusCode.Unknown, $"Malformed grpc-status '{text}'.");
        }

        string? message = headers.NonValidated.TryGetValues(GrpcProtocol.MessageHeader, out var messageValues) ? messageValues.FirstOrDefault() : null;
        return new GrpcStatus((StatusCode)code, GrpcProtocol.PercentDecode(message));
    }

    /// <summary>Metadata as name/value pairs, without the gRPC reserved entries.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ReadMetadata(HttpHeaders headers)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in headers.NonValidated)
        {
            if (name is GrpcProtocol.StatusHeader or GrpcProtocol.MessageHeader)
            {
                continue;
            }

            foreach (string value in values)
            {
                list.Add(new(name, value));
            }
        }

        return list;
    }

    /// <summary>
    /// Checks the response head. Returns the status of a trailers-only response (no messages
    /// follow), or null when messages may follow. A non-gRPC response gets a synthesized status.
    /// </summary>
    public static GrpcStatus? CheckResponseHead(HttpResponseMessage response)
    {
        var headerStatus = ReadStatus(response.Headers);
        if (response.StatusCode != System.Net.HttpStatusCode.OK)
        {
            // grpc/doc/http-grpc-status-mapping.md
            var code = (int)response.StatusCode switch
            {
                400 => StatusCode.Internal,
                401 => StatusCode.Unauthenticated,
                403 => StatusCode.PermissionDenied,
                404 => StatusCode.Unimplemented,
                429 or 502 or 503 or 504 => StatusCode.Unavailable,
                _ => StatusCode.Unknown,
            };
            string detail = headerStatus?.Detail is { Length: > 0 } d ? d : $"Bad gRPC response: HTTP status {(int)response.StatusCode}.";
            return new GrpcStatus(code, detail);
        }

        string? contentType = response.Content.Headers.ContentType?.MediaType;
        if (headerStatus is null && !GrpcProtocol.IsGrpcContentType(contentType))
        {
            return new GrpcStatus(StatusCode.Internal, $"Bad gRPC response: content-type '{contentType}'.");
        }

        return headerStatus;
    }
}
