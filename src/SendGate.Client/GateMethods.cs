using SendGate.Contracts.V1;
using SendGate.Grpc;

namespace SendGate.Client;

/// <summary>The methods of sendgate.v1.Gate, bound to the generated messages: pass them to <see cref="Grpc.Client.GrpcClient"/>.</summary>
public static class GateMethods
{
    public static GrpcMethod<CheckRequest, CheckResponse> Check { get; } = Method<CheckRequest, CheckResponse>("Check");

    public static GrpcMethod<CheckRequest, CheckResponse> CheckStream { get; } = Method<CheckRequest, CheckResponse>("CheckStream");

    public static GrpcMethod<ExplainRequest, ExplainResponse> Explain { get; } = Method<ExplainRequest, ExplainResponse>("Explain");

    /// <summary>A Gate method with marshallers of one's own, e.g. a load driver sending pre-encoded requests.</summary>
    public static GrpcMethod<TRequest, TResponse> Method<TRequest, TResponse>(string name, GrpcMarshaller<TRequest> request, GrpcMarshaller<TResponse> response) =>
        GrpcMethods.FromDescriptor(GateReflection.Descriptor.Services[0], name, request, response);

    private static GrpcMethod<TRequest, TResponse> Method<TRequest, TResponse>(string name)
        where TRequest : Google.Protobuf.IMessage<TRequest>, new()
        where TResponse : Google.Protobuf.IMessage<TResponse>, new() =>
        GrpcMethods.FromDescriptor<TRequest, TResponse>(GateReflection.Descriptor.Services[0], name);
}
