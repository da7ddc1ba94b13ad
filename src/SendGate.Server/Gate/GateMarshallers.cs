using System.Buffers;
using SendGate.Grpc;

namespace SendGate.Server.Gate;

/// <summary>Check requests decoded in place (server side only).</summary>
internal sealed class CheckRequestMarshaller(int maxEntries) : GrpcMarshaller<CheckRequestView>
{
    public override string? MessageTypeName => "sendgate.v1.CheckRequest";

    public override CheckRequestView Parse(in ReadOnlySequence<byte> payload) => CheckRequestView.Parse(payload, maxEntries);

    public override int GetSize(CheckRequestView message) => throw new NotSupportedException("The server does not send CheckRequests.");

    public override void Write(CheckRequestView message, IBufferWriter<byte> writer) => throw new NotSupportedException("The server does not send CheckRequests.");
}

/// <summary>Check responses written straight into the transport's buffer, then returned to their pool.</summary>
internal sealed class CheckResponseMarshaller : GrpcMarshaller<CheckResponseBuffer>
{
    public override string? MessageTypeName => "sendgate.v1.CheckResponse";

    public override CheckResponseBuffer Parse(in ReadOnlySequence<byte> payload) => throw new NotSupportedException("The server does not receive CheckResponses.");

    public override int GetSize(CheckResponseBuffer message) => message.GetSize();

    public override void Write(CheckResponseBuffer message, IBufferWriter<byte> writer) => message.WriteTo(writer);
}
