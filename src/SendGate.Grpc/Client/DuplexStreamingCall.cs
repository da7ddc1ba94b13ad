using System.Buffers;
using SendGate.Grpc.Protocol;
using SendGate.Grpc.Server;

namespace SendGate.Grpc.Client;

/// <summary>
/// A duplex-streaming call in progress. <see cref="WriteAsync"/> requests (one at a time),
/// <see cref="Complete"/> when done, and read responses with <see cref="MoveNextAsync"/>;
/// the status is known once the responses end. Dispose to cancel.
/// </summary>
public sealed class DuplexStreamingCall<TRequest, TResponse> : IGrpcStreamReader<TResponse>, IDisposable
{
    private readonly GrpcMethod<TRequest, TResponse> _method;
    private readonly DuplexRequestContent _content;
    private readonly Task<HttpResponseMessage> _responseTask;
    private readonly ClientCallScope _scope;
    private readonly HttpRequestMessage _request;
    private readonly GrpcClientOptions _options;
    private HttpResponseMessage? _response;
    private ResponseFrameReader? _reader;
    private GrpcStatus? _status;
    private IReadOnlyList<KeyValuePair<string, string>> _trailers = [];

    internal DuplexStreamingCall(GrpcMethod<TRequest, TResponse> method, DuplexRequestContent content, Task<HttpResponseMessage> responseTask, ClientCallScope scope, HttpRequestMessage request, GrpcClientOptions options)
    {
        _method = method;
        _content = content;
        _responseTask = responseTask;
        _scope = scope;
        _request = request;
        _options = options;
    }

    public TResponse Current { get; private set; } = default!;

    /// <summary>The status once the response stream has ended (after MoveNextAsync returned false or threw).</summary>
    public GrpcStatus? Status => _status;

    public IReadOnlyList<KeyValuePair<string, string>> Trailers => _trailers;

    /// <summary>Sends one request message, flushed at once.</summary>
    public async ValueTask WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        int size = RequestFraming.Measure(message, _method.RequestMarshaller, _options.MaxSendMessageSize);
        byte[] frame = RequestFraming.Frame(message, _method.RequestMarshaller, size);
        try
        {
            var token = cancellationToken.CanBeCanceled ? cancellationToken : _scope.Token;
            var stream = await _content.StreamAsync.WaitAsync(token).ConfigureAwait(false);
            await stream.WriteAsync(frame.AsMemory(0, GrpcProtocol.FrameHeaderSize + size), token).ConfigureAwait(false);
            await stream.FlushAsync(token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not GrpcException)
        {
            throw _scope.Translate(exception);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Ends the request stream (END_STREAM).</summary>
    public void Complete() => _content.Complete();

    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        if (_status is not null)
        {
            return false;
        }

        var token = cancellationToken.CanBeCanceled ? cancellationToken : _scope.Token;
        try
        {
            if (_reader is null)
            {
                _response = await _responseTask.ConfigureAwait(false);
                if (ClientCallScope.CheckResponseHead(_response) is { } early)
                {
                    return End(early, ClientCallScope.ReadMetadata(_response.Headers));
                }

                _reader = new ResponseFrameReader(await _response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), _options.MaxReceiveMessageSize);
            }

            var (read, message) = await _reader.ReadAsync(_method.ResponseMarshaller, token).ConfigureAwait(false);
            if (read)
            {
                Current = message;
                return true;
            }

            var status = ClientCallScope.ReadStatus(_response!.TrailingHeaders) ?? new GrpcStatus(StatusCode.Internal, "The response ended without a grpc-status.");
            return End(status, ClientCallScope.ReadMetadata(_response.TrailingHeaders));
        }
        catch (Exception exception) when (exception is not GrpcException)
        {
            var translated = _scope.Translate(exception);
            _status = translated.Status;
            throw translated;
        }
    }

    /// <summary>Cancels the call if it is still running and releases its resources.</summary>
    public void Dispose()
    {
        if (_status is null)
        {
            _scope.Cancel();
        }

        _content.Complete();
        _response?.Dispose();
        _request.Dispose();
        _scope.Dispose();
    }

    private bool End(GrpcStatus status, IReadOnlyList<KeyValuePair<string, string>> trailers)
    {
        _status = status;
        _trailers = trailers;
        _content.Complete();
        return status.Code == StatusCode.OK ? false : throw new GrpcException(status, trailers);
    }
}
