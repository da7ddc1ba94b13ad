using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SendGate.Interop.Tests.Contract;
using SendGate.Server.Hosting;

namespace SendGate.Interop.Tests;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (random port) hosting the Echo service with the gate's gRPC
/// configuration (<see cref="GrpcHosting"/>: grpc-dotnet, Kestrel's HTTP/2 limits, health, reflection),
/// with the 4 MiB message limits the scenarios probe.
/// </summary>
public sealed class EchoServerFixture : IAsyncLifetime
{
    public const int MaxMessageSize = 4 * 1024 * 1024;

    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0").ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(e => e.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Grpc:MaxReceiveMessageSize"] = MaxMessageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Grpc:MaxSendMessageSize"] = MaxMessageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Services.AddSingleton<EchoStats>();
        builder.Services.AddGrpcTransport(builder.Configuration, Echo.Descriptor);
        _app = builder.Build();
        _app.MapGrpcService<EchoService>();
        _app.MapGrpcTransport();
        var health = _app.Services.GetRequiredService<HealthServiceImpl>();
        health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);
        health.SetStatus(Echo.Descriptor.FullName, HealthCheckResponse.Types.ServingStatus.Serving);
        await _app.StartAsync();
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
