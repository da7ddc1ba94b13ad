using System.Buffers.Binary;

namespace SendGate.Client;

/// <summary>
/// A message as it travels in a gRPC body: a 5-byte prefix (uncompressed flag, big-endian length)
/// and the message. For tools that post raw bodies (h2load) or replay calls without a network.
/// </summary>
public static class GrpcFrame
{
    public const int HeaderSize = 5;

    public static byte[] Of(ReadOnlySpan<byte> message)
    {
        var framed = new byte[HeaderSize + message.Length];
        BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(1), message.Length);
        message.CopyTo(framed.AsSpan(HeaderSize));
        return framed;
    }
}
