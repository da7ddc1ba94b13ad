using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace SendGate.Grpc.Server;

/// <summary>Runs one kind of method against a call: read, invoke the handler, write, end with a status.</summary>
internal abstract class ServerMethodHandler(string path, GrpcMethodType type)
{
    public string Path { get; } = path;

    public GrpcMethodType Type { get; } = type;

    public bool IsClientStreaming => Type is GrpcMethodType.ClientStreaming or GrpcMethodType.DuplexStreaming;

    public async Task HandleAsync(GrpcCallContext call, ILogger logger)
    {
        GrpcStatus status;
        try
        {
            await RunAsync(call).ConfigureAwait(false);
            status = GrpcStatus.Ok;
        }
        catch (Exception exception)
        {
            status = call.StatusFrom(exception, logger);
        }

        call.Finish(status);
    }

    protected abstract ValueTask RunAsync(GrpcCallContext call);
}

internal sealed class UnaryMethodHandler<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, UnaryHandler<TRequest, TResponse> handler)
    : ServerMethodHandler(method.FullName, GrpcMethodType.Unary)
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected override async ValueTask RunAsync(GrpcCallContext call)
    {
        var request = await call.ReadSingleMessageAsync(method.RequestMarshaller).ConfigureAwait(false);
        var response = await handler(request, call).ConfigureAwait(false);
        // No flush: the message leaves together with the trailers when the call completes.
        await call.WriteMessageAsync(response, method.ResponseMarshaller, flush: false, default).ConfigureAwait(false);
    }
}

internal sealed class ServerStreamingMethodHandler<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, ServerStreamingHandler<TRequest, TResponse> handler)
    : ServerMethodHandler(method.FullName, GrpcMethodType.ServerStreaming)
{
    protected override async ValueTask RunAsync(GrpcCallContext call)
    {
        var request = await call.ReadSingleMessageAsync(method.RequestMarshaller).ConfigureAwait(false);
        await handler(request, new ResponseStreamWriter<TResponse>(call, method.ResponseMarshaller), call).ConfigureAwait(false);
    }
}

internal sealed class ClientStreamingMethodHandler<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, ClientStreamingHandler<TRequest, TResponse> handler)
    : ServerMethodHandler(method.FullName, GrpcMethodType.ClientStreaming)
{
    protected override async ValueTask RunAsync(GrpcCallContext call)
    {
        var response = await handler(new RequestStreamReader<TRequest>(call, method.RequestMarshaller), call).ConfigureAwait(false);
        await call.WriteMessageAsync(response, method.ResponseMarshaller, flush: false, default).ConfigureAwait(false);
    }
}

internal sealed class DuplexStreamingMethodHandler<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, DuplexStreamingHandler<TRequest, TResponse> handler)
    : ServerMethodHandler(method.FullName, GrpcMethodType.DuplexStreaming)
{
    protected override async ValueTask RunAsync(GrpcCallContext call) =>
        await handler(
            new RequestStreamReader<TRequest>(call, method.RequestMarshaller),
            new ResponseStreamWriter<TResponse>(call, method.ResponseMarshaller),
            call).ConfigureAwait(false);
}

internal sealed class RequestStreamReader<T>(GrpcCallContext call, GrpcMarshaller<T> marshaller) : IGrpcStreamReader<T>
{
    public T Current { get; private set; } = default!;

    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        var (read, message) = await call.ReadNextMessageAsync(marshaller, cancellationToken).ConfigureAwait(false);
        Current = message;
        return read;
    }
}

internal sealed class ResponseStreamWriter<T>(GrpcCallContext call, GrpcMarshaller<T> marshaller) : IGrpcStreamWriter<T>
{
    // Each message is flushed: a ping-pong client waits for it before sending the next request.
    public ValueTask WriteAsync(T message, CancellationToken cancellationToken = default) =>
        call.WriteMessageAsync(message, marshaller, flush: true, cancellationToken);
}
