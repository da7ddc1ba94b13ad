using System.Buffers;
using Google.Protobuf;

namespace SendGate.Grpc;

/// <summary>
/// Turns messages into bytes and back. The protobuf marshaller serves generated types; a
/// service with a hot path may supply its own (e.g. one that reads fields straight from the
/// request bytes without materializing strings).
/// </summary>
public abstract class GrpcMarshaller<T>
{
    /// <summary>The protobuf full name of the message, when known: registration checks it against the service descriptor.</summary>
    public virtual string? MessageTypeName => null;

    /// <summary>
    /// Parses one message. <paramref name="payload"/> is valid only until the transport reads the
    /// next message of the call (for unary calls, until the handler returns): a result that
    /// keeps references into it must not outlive that.
    /// </summary>
    public abstract T Parse(in ReadOnlySequence<byte> payload);

    /// <summary>The exact number of bytes <see cref="Write"/> will produce (it precedes the message on the wire).</summary>
    public abstract int GetSize(T message);

    public abstract void Write(T message, IBufferWriter<byte> writer);
}

/// <summary>The marshaller for generated protobuf messages.</summary>
public sealed class ProtobufMarshaller<T> : GrpcMarshaller<T>
    where T : IMessage<T>, new()
{
    private static readonly MessageParser<T> Parser = new(() => new T());

    private ProtobufMarshaller()
    {
    }

#pragma warning disable CA1000 // One stateless instance per message type is the point.
    public static ProtobufMarshaller<T> Instance { get; } = new();
#pragma warning restore CA1000

    public override string? MessageTypeName { get; } = new T().Descriptor.FullName;

    public override T Parse(in ReadOnlySequence<byte> payload) => Parser.ParseFrom(payload);

    public override int GetSize(T message) => message.CalculateSize();

    public override void Write(T message, IBufferWriter<byte> writer) => message.WriteTo(writer);
}
