using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace SendGate.Senders.Kannel;

/// <summary><c>sendgate kannel-front</c>: sendsms and the reply get-url on Kannel:Listen, metrics and health on Kannel:AdminUrl.</summary>
public static class KannelFrontHost
{
    public static IReadOnlyList<string> Validate(IConfiguration configuration, out KannelFrontOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options = new KannelFrontOptions();
        configuration.GetSection(KannelFrontOptions.SectionName).Bind(options);
        return [.. options.Problems()];
    }

    public static WebApplication Build(IConfiguration configuration, KannelFrontOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var listen = SenderHost.Endpoint(options.Listen);
        var admin = SenderHost.Endpoint(options.AdminUrl);
        var builder = SenderHost.CreateBuilder(configuration, "kannel", options.Gate, admin, KannelMetrics.MeterName);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(listen, endpoint => endpoint.Protocols = HttpProtocols.Http1));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<KannelMetrics>();
        builder.Services.AddSingleton(_ => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan });
        builder.Services.AddSingleton<SendSmsFront>();
        builder.Services.AddSingleton<ReplyFront>();
        builder.Services.AddSingleton<RefusalRecorder>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RefusalRecorder>());
        var app = builder.Build();
        string host = "*:" + listen.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        app.MapMethods("/cgi-bin/sendsms", [HttpMethods.Get, HttpMethods.Post], (HttpRequest request, SendSmsFront front, CancellationToken cancellationToken) => front.HandleAsync(request, cancellationToken)).RequireHost(host);
        app.MapGet("/mo", (HttpRequest request, ReplyFront front, CancellationToken cancellationToken) => front.HandleAsync(request, cancellationToken)).RequireHost(host);
        SenderHost.MapAdmin(app, admin);
        KannelLog.Starting(app.Logger, listen.ToString(), string.Join(',', options.Users.Keys), options.SmsboxUrl);
        return app;
    }

    public static Task<int> RunAsync(IConfiguration configuration, TextWriter error, CancellationToken cancellationToken)
    {
        var problems = Validate(configuration, out var options);
        return SenderHost.RunAsync(problems, () => Build(configuration, options), error, cancellationToken);
    }
}
