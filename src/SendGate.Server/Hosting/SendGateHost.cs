using SendGate.Server.Access;
using SendGate.Server.Gate;

namespace SendGate.Server.Hosting;

/// <summary>Builds the gate's web application from arguments and configuration; Program and the end-to-end tests share it.</summary>
internal static class SendGateHost
{
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
        {
            ["--consents"] = "Feed:File:Path",
            ["--admin-url"] = "Admin:Url",
            ["--feed"] = "Feed:Kind",
            ["--bootstrap"] = "Feed:Kafka:BootstrapServers",
            ["--topic"] = "Feed:Kafka:Topic",
            ["--data"] = "Durability:Path",
        });
        configure?.Invoke(builder.Configuration);
        builder.WebHost.UseKestrelHttpsConfiguration();

        string grpcUrls = Endpoints.GrpcUrls(builder.Configuration);
        string? adminUrl = builder.Configuration["Admin:Url"] ?? Endpoints.DefaultAdminUrl;
        builder.Services.AddSendGate(builder.Configuration, builder.Environment);
        // After AddSendGate: the transport's Kestrel setup (HTTPS defaults: certificate, client CAs)
        // must run before the endpoints are declared, or https:// endpoints find no certificate.
        builder.WebHost.ConfigureKestrel(kestrel => Endpoints.Configure(kestrel, grpcUrls, adminUrl));

        var app = builder.Build();
        if (app.Services.GetRequiredService<AccessGuard>().Required)
        {
            app.UseMiddleware<AccessMiddleware>(); // after routing, before grpc-dotnet reads the request
        }

        app.MapGrpcService<GateService>();
        app.MapGrpcTransport();
        app.MapAdmin(Endpoints.AdminPort(adminUrl));
        return app;
    }
}
