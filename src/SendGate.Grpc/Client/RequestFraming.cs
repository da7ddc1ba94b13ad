using System.Buffers;
using System.Buffers.Binary;
using SendGate.Grpc.Protocol;

namespace SendGate.Grpc.Client;

/// <summary>Writes "compressed-flag, length, message" into a rented buffer.</summary>
internal static class RequestFraming
{
    public static int Measure<T>(T message, GrpcMarshaller<T> marshaller, int maxSize)
    {
        int size = marshaller.GetSize(message);
        if (size > maxSize)
        {
            throw new GrpcException(StatusCode.ResourceExhausted, $"Sending message exceeds the maximum configured message size ({size} > {maxSize} bytes).");
        }

        return size;
    }

    /// <summary>Frames the message into a buffer rented from the shared pool; the caller returns it.</summary>
    public static byte[] Frame<T>(T message, GrpcMarshaller<T> marshaller, int size)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(GrpcProtocol.FrameHeaderSize + size);
        buffer[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(1), (uint)size);
        var writer = new FixedBufferWriter(buffer, GrpcProtocol.FrameHeaderSize);
        marshaller.Write(message, writer);
        if (writer.Written != GrpcProtocol.FrameHeaderSize + size)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new InvalidOperationException($"The marshaller wrote {writer.Written - GrpcProtocol.FrameHeaderSize} bytes but measured {size}.");
        }

        return buffer;
    }

    /// <summary>An IBufferWriter over an array that is already large enough.</summary>
    private sealed class FixedBufferWriter(byte[] buffer, int start) : IBufferWriter<byte>
    {
        public int Written { get; private set; } = start;

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => buffer.AsMemory(Written);

        public Span<byte> GetSpan(int sizeHint = 0) => buffer.AsSpan(Written);
    }
}
