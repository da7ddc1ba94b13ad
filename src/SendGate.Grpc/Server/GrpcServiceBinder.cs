using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace SendGate.Grpc.Server;

/// <summary>A service the server hosts: binds its methods to handlers.</summary>
public interface IGrpcService
{
    void Bind(GrpcServiceBinder binder);
}

/// <summary>
/// Collects the methods of the hosted services. A handler author writes
/// <code>
/// binder.ForService(GateReflection.Descriptor.FindTypeByName&lt;ServiceDescriptor&gt;("Gate"))
///     .Unary&lt;ExplainRequest, ExplainResponse&gt;("Explain", ExplainAsync);
/// </code>
/// or, with custom marshallers, <see cref="MapUnary"/> and friends with a <see cref="GrpcMethod{TRequest, TResponse}"/>.
/// </summary>
public sealed class GrpcServiceBinder
{
    private readonly Dictionary<string, ServerMethodHandler> _methods = new(StringComparer.Ordinal);
    private readonly List<ServiceDescriptor> _descriptors = [];
    private readonly SortedSet<string> _serviceNames = new(StringComparer.Ordinal);

    internal IReadOnlyDictionary<string, ServerMethodHandler> Methods => _methods;

    internal IReadOnlyList<ServiceDescriptor> Descriptors => _descriptors;

    internal IReadOnlyCollection<string> ServiceNames => _serviceNames;

    /// <summary>Binds methods of a generated service with protobuf marshallers; the descriptor is also served by reflection.</summary>
    public GrpcServiceBinding ForService(ServiceDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        AddDescriptor(descriptor);
        return new GrpcServiceBinding(this, descriptor);
    }

    /// <summary>Makes a service's .proto visible to reflection without binding through <see cref="ForService"/>.</summary>
    public GrpcServiceBinder AddDescriptor(ServiceDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (!_descriptors.Contains(descriptor))
        {
            _descriptors.Add(descriptor);
        }

        _serviceNames.Add(descriptor.FullName);
        return this;
    }

    public GrpcServiceBinder MapUnary<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, UnaryHandler<TRequest, TResponse> handler) =>
        Add(method, GrpcMethodType.Unary, new UnaryMethodHandler<TRequest, TResponse>(method, handler ?? throw new ArgumentNullException(nameof(handler))));

    public GrpcServiceBinder MapServerStreaming<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, ServerStreamingHandler<TRequest, TResponse> handler) =>
        Add(method, GrpcMethodType.ServerStreaming, new ServerStreamingMethodHandler<TRequest, TResponse>(method, handler ?? throw new ArgumentNullException(nameof(handler))));

    public GrpcServiceBinder MapClientStreaming<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, ClientStreamingHandler<TRequest, TResponse> handler) =>
        Add(method, GrpcMethodType.ClientStreaming, new ClientStreamingMethodHandler<TRequest, TResponse>(method, handler ?? throw new ArgumentNullException(nameof(handler))));

    public GrpcServiceBinder MapDuplexStreaming<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, DuplexStreamingHandler<TRequest, TResponse> handler) =>
        Add(method, GrpcMethodType.DuplexStreaming, new DuplexStreamingMethodHandler<TRequest, TResponse>(method, handler ?? throw new ArgumentNullException(nameof(handler))));

    private GrpcServiceBinder Add<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, GrpcMethodType expected, ServerMethodHandler handler)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != expected)
        {
            throw new ArgumentException($"{method.FullName} is {method.Type}, not {expected}.", nameof(method));
        }

        if (!_methods.TryAdd(method.FullName, handler))
        {
            throw new InvalidOperationException($"{method.FullName} is bound twice.");
        }

        _serviceNames.Add(method.ServiceName);
        return this;
    }
}

/// <summary>Fluent binding of one generated service's methods by name.</summary>
public sealed class GrpcServiceBinding(GrpcServiceBinder binder, ServiceDescriptor descriptor)
{
    public GrpcServiceBinding Unary<TRequest, TResponse>(string name, UnaryHandler<TRequest, TResponse> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
    {
        binder.MapUnary(GrpcMethods.FromDescriptor<TRequest, TResponse>(descriptor, name), handler);
        return this;
    }

    public GrpcServiceBinding ServerStreaming<TRequest, TResponse>(string name, ServerStreamingHandler<TRequest, TResponse> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
    {
        binder.MapServerStreaming(GrpcMethods.FromDescriptor<TRequest, TResponse>(descriptor, name), handler);
        return this;
    }

    public GrpcServiceBinding ClientStreaming<TRequest, TResponse>(string name, ClientStreamingHandler<TRequest, TResponse> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
    {
        binder.MapClientStreaming(GrpcMethods.FromDescriptor<TRequest, TResponse>(descriptor, name), handler);
        return this;
    }

    public GrpcServiceBinding DuplexStreaming<TRequest, TResponse>(string name, DuplexStreamingHandler<TRequest, TResponse> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
    {
        binder.MapDuplexStreaming(GrpcMethods.FromDescriptor<TRequest, TResponse>(descriptor, name), handler);
        return this;
    }
}
