using Google.Protobuf;
using SendGate.Grpc.Server;
using SendGate.Grpc.Tests.Interop;

namespace SendGate.Grpc.Tests;

/// <summary>Counters the interop clients read back through Echo.Stats (e.g. that a cancel reached the server).</summary>
public sealed class EchoStats
{
    private long _started;
    private long _cancelled;
    private long _active;

    public long Started => Interlocked.Read(ref _started);

    public long Cancelled => Interlocked.Read(ref _cancelled);

    public long Active => Interlocked.Read(ref _active);

    public void Begin()
    {
        Interlocked.Increment(ref _started);
        Interlocked.Increment(ref _active);
    }

    /// <summary>Ends a call; <paramref name="cancelled"/> when the handler saw it cancelled (OperationCanceledException).</summary>
    public void End(bool cancelled)
    {
        Interlocked.Decrement(ref _active);
        if (cancelled)
        {
            Interlocked.Increment(ref _cancelled);
        }
    }
}

/// <summary>The test service: echoes, delays, fails on request, streams; a handler author's view of the transport.</summary>
public sealed class EchoService(EchoStats stats) : IGrpcService
{
    public void Bind(GrpcServiceBinder binder) =>
        binder.ForService(EchoReflection.Descriptor.Services[0])
            .Unary<EchoRequest, EchoReply>("Unary", UnaryAsync)
            .ServerStreaming<EchoRequest, EchoReply>("ServerStream", ServerStreamAsync)
            .ClientStreaming<EchoRequest, EchoReply>("ClientStream", ClientStreamAsync)
            .DuplexStreaming<EchoRequest, EchoReply>("Bidi", BidiAsync)
            .Unary<StatsRequest, StatsReply>("Stats", (_, _) => ValueTask.FromResult(new StatsReply { CallsStarted = stats.Started, CallsCancelled = stats.Cancelled, ActiveCalls = stats.Active }));

    private ValueTask<EchoReply> UnaryAsync(EchoRequest request, GrpcCallContext context) => TrackAsync(async () =>
    {
        var reply = await ReplyAsync(request, context, 0);
        if (reply.MetadataEcho.Length > 0)
        {
            context.AddResponseTrailer("x-echo-trailer", reply.MetadataEcho);
        }

        return reply;
    });

    private async Task ServerStreamAsync(EchoRequest request, IGrpcStreamWriter<EchoReply> responses, GrpcCallContext context) => await TrackAsync(async () =>
    {
        for (int i = 0; i < Math.Max(1, request.Repeat); i++)
        {
            await responses.WriteAsync(await ReplyAsync(request, context, i), context.CancellationToken);
        }

        return true;
    });

    private ValueTask<EchoReply> ClientStreamAsync(IGrpcStreamReader<EchoRequest> requests, GrpcCallContext context) => TrackAsync(async () =>
    {
        var texts = new List<string>();
        while (await requests.MoveNextAsync(context.CancellationToken))
        {
            texts.Add(requests.Current.Text);
        }

        return new EchoReply { Text = string.Join(",", texts), Index = texts.Count };
    });

    private async Task BidiAsync(IGrpcStreamReader<EchoRequest> requests, IGrpcStreamWriter<EchoReply> responses, GrpcCallContext context) => await TrackAsync(async () =>
    {
        int index = 0;
        while (await requests.MoveNextAsync(context.CancellationToken))
        {
            await responses.WriteAsync(await ReplyAsync(requests.Current, context, index++), context.CancellationToken);
        }

        return true;
    });

    /// <summary>Counts the call, and whether the handler saw it cancelled.</summary>
    private async ValueTask<T> TrackAsync<T>(Func<ValueTask<T>> body)
    {
        stats.Begin();
        bool cancelled = false;
        try
        {
            return await body();
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
            throw;
        }
        finally
        {
            stats.End(cancelled);
        }
    }

    private static async ValueTask<EchoReply> ReplyAsync(EchoRequest request, GrpcCallContext context, int index)
    {
        if (request.DelayMs > 0)
        {
            await Task.Delay(request.DelayMs, context.CancellationToken);
        }

        if (request.FailCode == -1)
        {
            throw new InvalidOperationException("internal detail that must not reach the client");
        }

        if (request.FailCode != 0)
        {
            throw new GrpcException((StatusCode)request.FailCode, request.FailMessage);
        }

        var binary = context.GetBinaryHeader("x-echo-bin");
        return new EchoReply
        {
            Text = request.Text,
            Index = index,
            Payload = request.ReplyBytes > 0 ? ByteString.CopyFrom(new byte[request.ReplyBytes]) : ByteString.Empty,
            MetadataEcho = context.GetHeader("x-echo") ?? string.Empty,
            BinaryMetadataHex = binary is null ? string.Empty : Convert.ToHexStringLower(binary),
        };
    }
}
