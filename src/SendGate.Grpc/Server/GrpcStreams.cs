namespace SendGate.Grpc.Server;

/// <summary>Reads the messages of a streaming call, in order.</summary>
public interface IGrpcStreamReader<out T>
{
    /// <summary>The message read by the last successful <see cref="MoveNextAsync"/>; valid until the next call to it.</summary>
    T Current { get; }

    /// <summary>Reads the next message; false when the peer has finished sending.</summary>
    ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default);
}

/// <summary>Writes the messages of a streaming call. Writes must not overlap.</summary>
public interface IGrpcStreamWriter<in T>
{
    ValueTask WriteAsync(T message, CancellationToken cancellationToken = default);
}

public static class GrpcStreamReaderExtensions
{
    /// <summary>The messages as an async sequence: <c>await foreach (var m in reader.ReadAllAsync())</c>.</summary>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(this IGrpcStreamReader<T> reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return reader.Current;
        }
    }
}

public delegate ValueTask<TResponse> UnaryHandler<TRequest, TResponse>(TRequest request, GrpcCallContext context);

public delegate Task ServerStreamingHandler<TRequest, TResponse>(TRequest request, IGrpcStreamWriter<TResponse> responses, GrpcCallContext context);

public delegate ValueTask<TResponse> ClientStreamingHandler<TRequest, TResponse>(IGrpcStreamReader<TRequest> requests, GrpcCallContext context);

public delegate Task DuplexStreamingHandler<TRequest, TResponse>(IGrpcStreamReader<TRequest> requests, IGrpcStreamWriter<TResponse> responses, GrpcCallContext context);
