using Google.Protobuf;
using Grpc.Core;
using SendGate.Interop.Tests.Contract;

namespace SendGate.Interop.Tests;

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
public sealed class EchoService(EchoStats stats) : Echo.EchoBase
{
    public override Task<EchoReply> Unary(EchoRequest request, ServerCallContext context) => TrackAsync(async () =>
    {
        var reply = await ReplyAsync(request, context, 0);
        if (reply.MetadataEcho.Length > 0)
        {
            context.ResponseTrailers.Add("x-echo-trailer", reply.MetadataEcho);
        }

        return reply;
    });

    public override Task ServerStream(EchoRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context) => TrackAsync(async () =>
    {
        for (int i = 0; i < Math.Max(1, request.Repeat); i++)
        {
            await responseStream.WriteAsync(await ReplyAsync(request, context, i), context.CancellationToken);
        }

        return true;
    });

    public override Task<EchoReply> ClientStream(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context) => TrackAsync(async () =>
    {
        var texts = new List<string>();
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            texts.Add(requestStream.Current.Text);
        }

        return new EchoReply { Text = string.Join(",", texts), Index = texts.Count };
    });

    public override Task Bidi(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context) => TrackAsync(async () =>
    {
        int index = 0;
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            await responseStream.WriteAsync(await ReplyAsync(requestStream.Current, context, index++), context.CancellationToken);
        }

        return true;
    });

    public override Task<StatsReply> Stats(StatsRequest request, ServerCallContext context) =>
        Task.FromResult(new StatsReply { CallsStarted = stats.Started, CallsCancelled = stats.Cancelled, ActiveCalls = stats.Active });

    /// <summary>Counts the call, and whether the handler saw it cancelled.</summary>
    private async Task<T> TrackAsync<T>(Func<Task<T>> body)
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

    private static async Task<EchoReply> ReplyAsync(EchoRequest request, ServerCallContext context, int index)
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
            throw new RpcException(new Status((StatusCode)request.FailCode, request.FailMessage));
        }

        var binary = context.RequestHeaders.GetValueBytes("x-echo-bin");
        return new EchoReply
        {
            Text = request.Text,
            Index = index,
            Payload = request.ReplyBytes > 0 ? ByteString.CopyFrom(new byte[request.ReplyBytes]) : ByteString.Empty,
            MetadataEcho = context.RequestHeaders.GetValue("x-echo") ?? string.Empty,
            BinaryMetadataHex = binary is null ? string.Empty : Convert.ToHexStringLower(binary),
        };
    }
}
