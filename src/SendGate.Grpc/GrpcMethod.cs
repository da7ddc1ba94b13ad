using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace SendGate.Grpc;

public enum GrpcMethodType
{
    Unary,
    ServerStreaming,
    ClientStreaming,
    DuplexStreaming,
}

/// <summary>A method of a service: its path on the wire, its shape, and how its messages are (un)marshalled. Shared by server and client.</summary>
public sealed class GrpcMethod<TRequest, TResponse>
{
    public GrpcMethod(GrpcMethodType type, string serviceName, string name, GrpcMarshaller<TRequest> requestMarshaller, GrpcMarshaller<TResponse> responseMarshaller)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Type = type;
        ServiceName = serviceName;
        Name = name;
        FullName = "/" + serviceName + "/" + name;
        RequestMarshaller = requestMarshaller ?? throw new ArgumentNullException(nameof(requestMarshaller));
        ResponseMarshaller = responseMarshaller ?? throw new ArgumentNullException(nameof(responseMarshaller));
    }

    public GrpcMethodType Type { get; }

    public string ServiceName { get; }

    public string Name { get; }

    /// <summary>The HTTP/2 :path, "/package.Service/Method".</summary>
    public string FullName { get; }

    public GrpcMarshaller<TRequest> RequestMarshaller { get; }

    public GrpcMarshaller<TResponse> ResponseMarshaller { get; }

    public override string ToString() => FullName;
}

/// <summary>Builds <see cref="GrpcMethod{TRequest, TResponse}"/> from generated descriptors, checking names, message types and streaming shape.</summary>
public static class GrpcMethods
{
    public static GrpcMethod<TRequest, TResponse> FromDescriptor<TRequest, TResponse>(ServiceDescriptor service, string name)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new() =>
        FromDescriptor(service, name, ProtobufMarshaller<TRequest>.Instance, ProtobufMarshaller<TResponse>.Instance);

    public static GrpcMethod<TRequest, TResponse> FromDescriptor<TRequest, TResponse>(
        ServiceDescriptor service, string name, GrpcMarshaller<TRequest> requestMarshaller, GrpcMarshaller<TResponse> responseMarshaller)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(requestMarshaller);
        ArgumentNullException.ThrowIfNull(responseMarshaller);
        var method = service.FindMethodByName(name)
            ?? throw new ArgumentException($"Service {service.FullName} has no method {name}.", nameof(name));
        Check(requestMarshaller.MessageTypeName, method.InputType, method, "request");
        Check(responseMarshaller.MessageTypeName, method.OutputType, method, "response");
        var type = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (false, false) => GrpcMethodType.Unary,
            (false, true) => GrpcMethodType.ServerStreaming,
            (true, false) => GrpcMethodType.ClientStreaming,
            (true, true) => GrpcMethodType.DuplexStreaming,
        };
        return new GrpcMethod<TRequest, TResponse>(type, service.FullName, method.Name, requestMarshaller, responseMarshaller);
    }

    private static void Check(string? marshalled, MessageDescriptor declared, MethodDescriptor method, string role)
    {
        if (marshalled is not null && marshalled != declared.FullName)
        {
            throw new ArgumentException($"{method.FullName} takes {declared.FullName} as its {role}, not {marshalled}.");
        }
    }
}
