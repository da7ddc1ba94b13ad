using Google.Protobuf.Reflection;
using SendGate.Grpc.Server;

namespace SendGate.Grpc.Reflection;

/// <summary>
/// grpc.reflection v1 and v1alpha (wire-identical; one implementation serves both paths): lists
/// the hosted services and returns the serialized .proto files that define a symbol or file,
/// with their dependencies, so that grpcurl and Postman need no .proto files.
/// </summary>
internal sealed class ReflectionService
{
    private readonly IReadOnlyList<string> _serviceNames;
    private readonly Dictionary<string, FileDescriptor> _filesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> _filesBySymbol = new(StringComparer.Ordinal);
    private readonly HashSet<string> _messageTypes = new(StringComparer.Ordinal);

    private ReflectionService(IReadOnlyList<string> serviceNames, IEnumerable<ServiceDescriptor> services)
    {
        _serviceNames = serviceNames;
        foreach (var service in services)
        {
            Index(service.File);
        }
    }

    public static void Bind(GrpcServiceBinder binder)
    {
        var v1 = V1.ReflectionReflection.Descriptor.Services[0];
        var v1Alpha = V1Alpha.ReflectionReflection.Descriptor.Services[0];
        binder.AddDescriptor(v1).AddDescriptor(v1Alpha);
        var service = new ReflectionService([.. binder.ServiceNames], [.. binder.Descriptors]);
        var request = ProtobufMarshaller<V1.ServerReflectionRequest>.Instance;
        var response = ProtobufMarshaller<V1.ServerReflectionResponse>.Instance;
        binder.MapDuplexStreaming(GrpcMethods.FromDescriptor(v1, "ServerReflectionInfo", request, response), service.ServeAsync);
        binder.MapDuplexStreaming(new GrpcMethod<V1.ServerReflectionRequest, V1.ServerReflectionResponse>(GrpcMethodType.DuplexStreaming, v1Alpha.FullName, "ServerReflectionInfo", request, response), service.ServeAsync);
    }

    internal V1.ServerReflectionResponse Answer(V1.ServerReflectionRequest request)
    {
        var response = new V1.ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case V1.ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                var list = new V1.ListServiceResponse();
                list.Service.AddRange(_serviceNames.Select(name => new V1.ServiceResponse { Name = name }));
                response.ListServicesResponse = list;
                break;
            case V1.ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFile(response, _filesByName.GetValueOrDefault(request.FileByFilename), $"File not found: {request.FileByFilename}");
                break;
            case V1.ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFile(response, _filesBySymbol.GetValueOrDefault(request.FileContainingSymbol), $"Symbol not found: {request.FileContainingSymbol}");
                break;
            case V1.ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                if (_messageTypes.Contains(request.AllExtensionNumbersOfType))
                {
                    // proto3 messages have no extensions: an empty list, not an error.
                    response.AllExtensionNumbersResponse = new V1.ExtensionNumberResponse { BaseTypeName = request.AllExtensionNumbersOfType };
                }
                else
                {
                    SetError(response, StatusCode.NotFound, $"Type not found: {request.AllExtensionNumbersOfType}");
                }

                break;
            case V1.ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                SetError(response, StatusCode.NotFound, "Extensions are not supported.");
                break;
            default:
                SetError(response, StatusCode.InvalidArgument, "Empty reflection request.");
                break;
        }

        return response;
    }

    private static void SetError(V1.ServerReflectionResponse response, StatusCode code, string message) =>
        response.ErrorResponse = new V1.ErrorResponse { ErrorCode = (int)code, ErrorMessage = message };

    /// <summary>The file and every file it depends on, transitively, the file itself first.</summary>
    private static void SetFile(V1.ServerReflectionResponse response, FileDescriptor? file, string notFound)
    {
        if (file is null)
        {
            SetError(response, StatusCode.NotFound, notFound);
            return;
        }

        var result = new V1.FileDescriptorResponse();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<FileDescriptor>([file]);
        while (pending.TryDequeue(out var next))
        {
            if (seen.Add(next.Name))
            {
                result.FileDescriptorProto.Add(next.SerializedData);
                foreach (var dependency in next.Dependencies)
                {
                    pending.Enqueue(dependency);
                }
            }
        }

        response.FileDescriptorResponse = result;
    }

    private async Task ServeAsync(IGrpcStreamReader<V1.ServerReflectionRequest> requests, IGrpcStreamWriter<V1.ServerReflectionResponse> responses, GrpcCallContext context)
    {
        while (await requests.MoveNextAsync(context.CancellationToken).ConfigureAwait(false))
        {
            await responses.WriteAsync(Answer(requests.Current), context.CancellationToken).ConfigureAwait(false);
        }
    }

    private void Index(FileDescriptor file)
    {
        if (!_filesByName.TryAdd(file.Name, file))
        {
            return;
        }

        foreach (var dependency in file.Dependencies)
        {
            Index(dependency);
        }

        foreach (var service in file.Services)
        {
            _filesBySymbol[service.FullName] = file;
            foreach (var method in service.Methods)
            {
                _filesBySymbol[method.FullName] = file;
            }
        }

        foreach (var message in file.MessageTypes)
        {
            IndexMessage(message, file);
        }

        foreach (var enumType in file.EnumTypes)
        {
            _filesBySymbol[enumType.FullName] = file;
        }
    }

    private void IndexMessage(MessageDescriptor message, FileDescriptor file)
    {
        _filesBySymbol[message.FullName] = file;
        _messageTypes.Add(message.FullName);
        foreach (var nested in message.NestedTypes)
        {
            IndexMessage(nested, file);
        }

        foreach (var enumType in message.EnumTypes)
        {
            _filesBySymbol[enumType.FullName] = file;
        }
    }
}
