using Google.Protobuf.Reflection;
using SendGate.Grpc.Health;
using SendGate.Grpc.Health.V1;
using SendGate.Grpc.Reflection.V1;

namespace SendGate.Grpc.Tests;

[Collection(GrpcServerGroup.Name)]
public sealed class HealthAndReflectionTests(GrpcServerFixture server)
{
    private static readonly GrpcMethod<HealthCheckRequest, HealthCheckResponse> Check =
        GrpcMethods.FromDescriptor<HealthCheckRequest, HealthCheckResponse>(HealthReflection.Descriptor.Services[0], "Check");

    private static readonly GrpcMethod<HealthCheckRequest, HealthCheckResponse> Watch =
        GrpcMethods.FromDescriptor<HealthCheckRequest, HealthCheckResponse>(HealthReflection.Descriptor.Services[0], "Watch");

    private static readonly GrpcMethod<ServerReflectionRequest, ServerReflectionResponse> ReflectV1 =
        GrpcMethods.FromDescriptor<ServerReflectionRequest, ServerReflectionResponse>(ReflectionReflection.Descriptor.Services[0], "ServerReflectionInfo");

    private static readonly GrpcMethod<ServerReflectionRequest, ServerReflectionResponse> ReflectV1Alpha =
        new(GrpcMethodType.DuplexStreaming, "grpc.reflection.v1alpha.ServerReflection", "ServerReflectionInfo", ReflectV1.RequestMarshaller, ReflectV1.ResponseMarshaller);

    [Fact]
    public async Task HealthCheck_ServerAndService_AreServing()
    {
        using var client = Echo.Client(server);

        var overall = await client.UnaryAsync(Check, new HealthCheckRequest());
        var echo = await client.UnaryAsync(Check, new HealthCheckRequest { Service = GrpcServerFixture.EchoService });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, overall.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, echo.Status);
    }

    [Fact]
    public async Task HealthCheck_UnknownService_IsNotFound()
    {
        using var client = Echo.Client(server);

        var error = await Assert.ThrowsAsync<GrpcException>(() => client.UnaryAsync(Check, new HealthCheckRequest { Service = "no.such.Service" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task HealthWatch_SeesEveryChange()
    {
        using var client = Echo.Client(server);
        const string service = "test.watched.Service";
        server.Health.SetStatus(service, HealthStatus.NotServing);

        using var call = await client.ServerStreamingAsync(Watch, new HealthCheckRequest { Service = service });
        Assert.True(await call.MoveNextAsync());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, call.Current.Status);

        server.Health.SetStatus(service, HealthStatus.Serving);
        Assert.True(await call.MoveNextAsync());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, call.Current.Status);

        server.Health.Remove(service);
        Assert.True(await call.MoveNextAsync());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.ServiceUnknown, call.Current.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reflection_ListsEveryHostedService(bool alpha)
    {
        var response = await ReflectAsync(new ServerReflectionRequest { ListServices = "*" }, alpha);

        var names = response.ListServicesResponse.Service.Select(s => s.Name).ToArray();
        Assert.Contains(GrpcServerFixture.EchoService, names);
        Assert.Contains("grpc.health.v1.Health", names);
        Assert.Contains("grpc.reflection.v1.ServerReflection", names);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection", names);
    }

    [Fact]
    public async Task Reflection_FileContainingSymbol_ReturnsTheProtoAndItsDependencies()
    {
        var response = await ReflectAsync(new ServerReflectionRequest { FileContainingSymbol = GrpcServerFixture.EchoService + ".Bidi" });

        var files = response.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom).ToArray();
        Assert.Equal("sendgate/interop/v1/echo.proto", files[0].Name);
        Assert.Contains(files[0].Service, s => s.Name == "Echo" && s.Method.Any(m => m.Name == "Bidi" && m.ClientStreaming && m.ServerStreaming));
    }

    [Fact]
    public async Task Reflection_MessageSymbolAndFileName_Resolve()
    {
        var bySymbol = await ReflectAsync(new ServerReflectionRequest { FileContainingSymbol = "grpc.health.v1.HealthCheckResponse.ServingStatus" });
        var byName = await ReflectAsync(new ServerReflectionRequest { FileByFilename = "grpc/health/v1/health.proto" });

        Assert.Equal(byName.FileDescriptorResponse.FileDescriptorProto[0], bySymbol.FileDescriptorResponse.FileDescriptorProto[0]);
    }

    [Fact]
    public async Task Reflection_Unknowns_AreNotFoundErrors()
    {
        var symbol = await ReflectAsync(new ServerReflectionRequest { FileContainingSymbol = "no.such.Thing" });
        var extensions = await ReflectAsync(new ServerReflectionRequest { AllExtensionNumbersOfType = "sendgate.interop.v1.EchoRequest" });

        Assert.Equal((int)StatusCode.NotFound, symbol.ErrorResponse.ErrorCode);
        Assert.Equal("sendgate.interop.v1.EchoRequest", extensions.AllExtensionNumbersResponse.BaseTypeName);
        Assert.Empty(extensions.AllExtensionNumbersResponse.ExtensionNumber);
    }

    private async Task<ServerReflectionResponse> ReflectAsync(ServerReflectionRequest request, bool alpha = false)
    {
        using var client = Echo.Client(server);
        using var call = client.DuplexStreaming(alpha ? ReflectV1Alpha : ReflectV1);
        await call.WriteAsync(request);
        Assert.True(await call.MoveNextAsync());
        var response = call.Current;
        call.Complete();
        Assert.False(await call.MoveNextAsync());
        return response;
    }
}
