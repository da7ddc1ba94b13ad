using System.Collections.Frozen;
using Google.Protobuf.Reflection;
using SendGate.Grpc.Reflection;

namespace SendGate.Grpc.Server;

/// <summary>The methods the server answers, by :path, frozen at start-up.</summary>
public sealed class GrpcServiceRegistry
{
    private readonly FrozenDictionary<string, ServerMethodHandler> _methods;
    private readonly FrozenSet<string> _services;

    private GrpcServiceRegistry(GrpcServiceBinder binder)
    {
        _methods = binder.Methods.ToFrozenDictionary(StringComparer.Ordinal);
        ServiceNames = [.. binder.ServiceNames];
        _services = ServiceNames.ToFrozenSet(StringComparer.Ordinal);
        Descriptors = [.. binder.Descriptors];
    }

    /// <summary>Every service the server hosts, sorted.</summary>
    public IReadOnlyList<string> ServiceNames { get; }

    internal IReadOnlyList<ServiceDescriptor> Descriptors { get; }

    /// <summary>Binds the services (and, when enabled, reflection over all of them).</summary>
    public static GrpcServiceRegistry Build(IEnumerable<IGrpcService> services, bool enableReflection)
    {
        ArgumentNullException.ThrowIfNull(services);
        var binder = new GrpcServiceBinder();
        foreach (var service in services)
        {
            service.Bind(binder);
        }

        if (enableReflection)
        {
            ReflectionService.Bind(binder);
        }

        return new GrpcServiceRegistry(binder);
    }

    internal bool TryGetMethod(string path, out ServerMethodHandler handler) => _methods.TryGetValue(path, out handler!);

    /// <summary>True when the path names a hosted service ("/package.Service/…"), whatever the method.</summary>
    internal bool IsServicePath(string path)
    {
        int slash = path.IndexOf('/', 1);
        return path.Length > 1 && path[0] == '/' && slash > 1 &&
               _services.GetAlternateLookup<ReadOnlySpan<char>>().Contains(path.AsSpan(1, slash - 1));
    }
}
