using Google.Protobuf;
using Grpc.Core;

namespace SendGate.Server.Gate;

/// <summary>
/// How sendgate.v1.Gate's messages cross grpc-dotnet. Check requests are decoded in place
/// (<see cref="CheckRequestView"/>: no string per recipient) and Check responses written straight
/// into the transport's buffer from a pooled <see cref="CheckResponseBuffer"/>; Explain, which is
/// rare and small, uses the generated messages.
/// </summary>
internal static class GateMarshallers
{
    /// <summary>Entries past <paramref name="maxEntries"/> are counted, not recorded: the processor then refuses the batch.</summary>
    public static Marshaller<CheckRequestView> CheckRequest(int maxEntries) => new(
        static (_, _) => throw new NotSupportedException("The gate does not send CheckRequests."),
        context =>
        {
            try
            {
                return CheckRequestView.Parse(context.PayloadAsReadOnlySequence(), maxEntries);
            }
            catch (InvalidDataException malformed)
            {
                throw GateStatus.ToRpcException(Rejections.MalformedRequest("CheckRequest", malformed.Message));
            }
        });

    public static Marshaller<CheckResponseBuffer> CheckResponse { get; } = new(
        static (response, context) =>
        {
            context.SetPayloadLength(response.GetSize());
            response.WriteTo(context.GetBufferWriter()); // returns the buffer to its pool
            context.Complete();
        },
        static _ => throw new NotSupportedException("The gate does not receive CheckResponses."));

    public static Marshaller<T> Protobuf<T>(MessageParser<T> parser)
        where T : class, IMessage<T> => new(
        static (message, context) =>
        {
            context.SetPayloadLength(message.CalculateSize());
            message.WriteTo(context.GetBufferWriter());
            context.Complete();
        },
        context =>
        {
            try
            {
                return parser.ParseFrom(context.PayloadAsReadOnlySequence());
            }
            catch (InvalidProtocolBufferException malformed)
            {
                throw GateStatus.ToRpcException(Rejections.MalformedRequest(typeof(T).Name, malformed.Message));
            }
        });
}
