using SendGate.Server.Access;
using SendGate.Server.Gate;
using SendGate.Server.Observability;

namespace SendGate.Server.Hosting;

/// <summary>Builds the gate's web application from arguments and configuration; Program and the end-to-end tests share it.</summary>
internal static class SendGateHost
{
    /// <summary>Switches naming a file or folder: a relative one means the caller's working directory.</summary>
    private static readonly string[] PathSwitches = ["--consents", "--data"];

    /// <param name="args">The command line.</param>
    /// <param name="configure">Configuration added after the command line (tests: in-memory settings).</param>
    /// <param name="replace">Services registered after the gate's (tests: a fake clock, fake logging).</param>
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null, Action<IServiceCollection>? replace = null)
    {
        args = WithAbsolutePaths(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot(args) });
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
        replace?.Invoke(builder.Services);
        // After AddSendGate: the transport's Kestrel setup (HTTPS defaults: certificate, client CAs)
        // must run before the endpoints are declared, or https:// endpoints find no certificate.
        builder.WebHost.ConfigureKestrel(kestrel => Endpoints.Configure(kestrel, grpcUrls, adminUrl));

        var app = builder.Build();
        app.UseMiddleware<GrpcStatusTagging>(); // first: it sees refusals by access control too
        if (app.Services.GetRequiredService<AccessGuard>().Required)
        {
            app.UseMiddleware<AccessMiddleware>(); // after routing, before grpc-dotnet reads the request
        }

        app.MapGrpcService<GateService>();
        app.MapGrpcTransport();
        app.MapAdmin(Endpoints.AdminPort(adminUrl));
        return app;
    }

    /// <summary>
    /// The folder the gate is installed in, where its appsettings files are, unless the operator
    /// names one (<c>--contentRoot</c>, <c>DOTNET_CONTENTROOT</c>). ASP.NET Core's default is the
    /// working directory: a gate started from anywhere else silently ran without its
    /// appsettings.json (and logged every request at Information level).
    /// </summary>
    private static string? ContentRoot(string[] args) =>
        args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
        || Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is not null
        || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is not null
            ? null
            : AppContext.BaseDirectory;

    /// <summary>
    /// <c>--consents</c> and <c>--data</c> made absolute against the working directory, as a shell
    /// user means them; paths in settings files stay relative to the content root (the install folder).
    /// </summary>
    private static string[] WithAbsolutePaths(string[] args)
    {
        string[] result = (string[])args.Clone();
        for (int i = 0; i < result.Length; i++)
        {
            foreach (string name in PathSwitches)
            {
                if (result[i] == name && i + 1 < result.Length)
                {
                    result[i + 1] = Absolute(result[i + 1]);
                }
                else if (result[i].StartsWith(name + "=", StringComparison.Ordinal))
                {
                    result[i] = name + "=" + Absolute(result[i][(name.Length + 1)..]);
                }
            }
        }

        return result;
    }

    private static string Absolute(string path) => string.IsNullOrWhiteSpace(path) ? path : Path.GetFullPath(path);
}
