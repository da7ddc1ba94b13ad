using System.Buffers;
using System.Net;
using SendGate.Grpc.Protocol;

namespace SendGate.Grpc.Client;

/// <summary>The body of a unary (or server-streaming) request: one framed message, with a known length.</summary>
internal sealed class UnaryRequestContent<T> : HttpContent
{
    private readonly T _message;
    private readonly GrpcMarshaller<T> _marshaller;
    private readonly int _size;

    public UnaryRequestContent(T message, GrpcMarshaller<T> marshaller, int maxSize)
    {
        _message = message;
        _marshaller = marshaller;
        _size = RequestFraming.Measure(message, marshaller, maxSize);
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        byte[] frame = RequestFraming.Frame(_message, _marshaller, _size);
        try
        {
            await stream.WriteAsync(frame.AsMemory(0, GrpcProtocol.FrameHeaderSize + _size), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = GrpcProtocol.FrameHeaderSize + _size;
        return true;
    }
}

/// <summary>
/// The body of a duplex request: stays open while the caller writes messages, each flushed at
/// once (a ping-pong peer waits for it), and ends (END_STREAM) when the caller completes it.
/// </summary>
internal sealed class DuplexRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DuplexRequestContent() => Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);

    public Task<Stream> StreamAsync => _stream.Task;

    public void Complete() => _completed.TrySetResult();

    public void Fail(Exception exception)
    {
        _stream.TrySetException(exception);
        _completed.TrySetException(exception);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        using (cancellationToken.Register(static s => ((TaskCompletionSource)s!).TrySetCanceled(), _completed))
        {
            await _completed.Task.ConfigureAwait(false);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
