using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SendGate.Benchmarks.Grpc;

/// <summary>
/// An HTTP/2 request/response pair without a network, reused across calls so that what a
/// benchmark measures is the transport, not the harness: the same feature objects, a request
/// body replayed from one buffer, a response body written into one growing buffer.
/// </summary>
internal sealed class InProcessHttpContext
{
    private readonly HttpRequestFeature _request = new();
    private readonly ReplayPipeReader _body = new();
    private readonly BufferPipeWriter _output = new();
    private readonly ResponseFeature _response;
    private readonly TrailersFeature _trailers = new();
    private readonly string _path;
    private readonly byte[] _requestBody;
    private readonly string? _authorization;

    /// <param name="path">The method's :path.</param>
    /// <param name="requestBody">The framed request, replayed on every call.</param>
    /// <param name="authorization">The authorization metadata every call carries, if any.</param>
    public InProcessHttpContext(string path, byte[] requestBody, string? authorization = null)
    {
        _path = path;
        _requestBody = requestBody;
        _authorization = authorization;
        _response = new ResponseFeature(_output);
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(_request);
        features.Set<IHttpResponseFeature>(_response);
        features.Set<IRequestBodyPipeFeature>(_body);
        features.Set<IHttpResponseBodyFeature>(_output);
        features.Set<IHttpResponseTrailersFeature>(_trailers);
        Context = new DefaultHttpContext(features);
    }

    public HttpContext Context { get; }

    public int ResponseBytes => _output.Written;

    /// <summary>What the call wrote to the response body: the framed response message(s).</summary>
    public ReadOnlySpan<byte> ResponseBody => _output.Body;

    public IHeaderDictionary Trailers => _trailers.Trailers;

    /// <summary>A gRPC length-prefixed message: the request body of a unary call.</summary>
    public static byte[] Frame(Google.Protobuf.IMessage message) => SendGate.Client.GrpcFrame.Of(Google.Protobuf.MessageExtensions.ToByteArray(message));

    public HttpContext Reset()
    {
        _request.Method = "POST";
        _request.Protocol = "HTTP/2";
        _request.Scheme = "http";
        _request.Path = _path;
        _request.Headers.Clear();
        _request.Headers.ContentType = "application/grpc";
        if (_authorization is not null)
        {
            _request.Headers.Authorization = _authorization;
        }
        _response.StatusCode = 200;
        _response.Headers.Clear();
        _trailers.Trailers.Clear();
        _body.Reset(_requestBody);
        _output.Reset();
        return Context;
    }

    /// <summary>Started once a byte of the body is written, as Kestrel's response is: grpc-dotnet then sends its status as trailers.</summary>
    private sealed class ResponseFeature(BufferPipeWriter body) : HttpResponseFeature
    {
        public override bool HasStarted => body.Written > 0;
    }

    private sealed class TrailersFeature : IHttpResponseTrailersFeature
    {
        public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();
    }

    private sealed class ReplayPipeReader : PipeReader, IRequestBodyPipeFeature
    {
        private ReadOnlySequence<byte> _remaining;

        public PipeReader Reader => this;

        public void Reset(byte[] body) => _remaining = new ReadOnlySequence<byte>(body);

        public override bool TryRead(out ReadResult result)
        {
            result = new ReadResult(_remaining, isCanceled: false, isCompleted: true);
            return true;
        }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            new(new ReadResult(_remaining, isCanceled: false, isCompleted: true));

        public override void AdvanceTo(SequencePosition consumed) => _remaining = _remaining.Slice(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => _remaining = _remaining.Slice(consumed);

        public override void CancelPendingRead()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }
    }

    private sealed class BufferPipeWriter : PipeWriter, IHttpResponseBodyFeature
    {
        private byte[] _buffer = new byte[64 * 1024];

        public int Written { get; private set; }

        public ReadOnlySpan<byte> Body => _buffer.AsSpan(0, Written);

        public Stream Stream => throw new NotSupportedException();

        public PipeWriter Writer => this;

        public void Reset() => Written = 0;

        public override void Advance(int bytes) => Written += bytes;

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _buffer.AsMemory(Written);
        }

        public override Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _buffer.AsSpan(Written);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => default;

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }

        public void DisableBuffering()
        {
        }

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task CompleteAsync() => Task.CompletedTask;

        private void Ensure(int sizeHint)
        {
            if (_buffer.Length - Written < Math.Max(sizeHint, 256))
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Written + sizeHint));
            }
        }
    }
}
