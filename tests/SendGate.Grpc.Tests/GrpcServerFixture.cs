using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SendGate.Grpc.Health;
using SendGate.Grpc.Hosting;

namespace SendGate.Grpc.Tests;

/// <summary>A real Kestrel server on 127.0.0.1 (random port) hosting the Echo service on the transport, with health and reflection.</summary>
public sealed class GrpcServerFixture : IAsyncLifetime
{
    public const int MaxMessageSize = 4 * 1024 * 1024;
    public const string EchoService = "sendgate.interop.v1.Echo";

    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    public EchoStats Stats => _app!.Services.GetRequiredService<EchoStats>();

    public HealthStatusRegistry Health => _app!.Services.GetRequiredService<HealthStatusRegistry>();

    public async Task InitializeAsync()
    {
        (_app, Address) = await StartAsync("http://127.0.0.1:0", null);
        Health.SetStatus(EchoService, HealthStatus.Serving);
    }

    /// <summary>Starts an Echo server on <paramref name="url"/> (port 0: any free port) and returns it with its actual address.</summary>
    public static async Task<(WebApplication App, Uri Address)> StartAsync(string url, Dictionary<string, string?>? configuration)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url).UseKestrelHttpsConfiguration();
        builder.Logging.ClearProviders();
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        builder.Services.AddSingleton<EchoStats>();
        builder.Services.AddGrpcTransport(options =>
        {
            options.MaxReceiveMessageSize = MaxMessageSize;
            options.MaxSendMessageSize = MaxMessageSize;
        }).AddGrpcService<EchoService>();
        var app = builder.Build();
        app.UseGrpcTransport();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return (app, new Uri(address));
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

[CollectionDefinition(Name)]
public sealed class GrpcServerGroup : ICollectionFixture<GrpcServerFixture>
{
    public const string Name = "grpc-server";
}
