using System.Buffers;
using System.Buffers.Binary;
using SendGate.Grpc.Protocol;

namespace SendGate.Grpc.Client;

/// <summary>Reads length-prefixed messages from a response body stream.</summary>
internal sealed class ResponseFrameReader(Stream stream, int maxMessageSize)
{
    private readonly byte[] _header = new byte[GrpcProtocol.FrameHeaderSize];

    /// <summary>The next message, or false at the end of the body.</summary>
    public async ValueTask<(bool Read, T Message)> ReadAsync<T>(GrpcMarshaller<T> marshaller, CancellationToken cancellationToken)
    {
        int got = await stream.ReadAtLeastAsync(_header, GrpcProtocol.FrameHeaderSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got == 0)
        {
            return (false, default!);
        }

        if (got < GrpcProtocol.FrameHeaderSize)
        {
            throw new GrpcException(StatusCode.Internal, "Incomplete message header in the response.");
        }

        if (_header[0] != 0)
        {
            throw new GrpcException(StatusCode.Internal, "The server sent a compressed message; this client accepts identity only.");
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(1));
        if (length > (uint)maxMessageSize)
        {
            throw new GrpcException(StatusCode.ResourceExhausted, $"Received message exceeds the maximum configured message size ({length} > {maxMessageSize} bytes).");
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            await stream.ReadExactlyAsync(buffer.AsMemory(0, (int)length), cancellationToken).ConfigureAwait(false);
            return (true, marshaller.Parse(new ReadOnlySequence<byte>(buffer, 0, (int)length)));
        }
        catch (EndOfStreamException exception)
        {
            throw new GrpcException(new GrpcStatus(StatusCode.Internal, "Incomplete message in the response."), null, exception);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
