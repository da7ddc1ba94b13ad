using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace SendGate.Senders.Postfix;

/// <summary><c>sendgate postfix-policy</c>: the policy service as a long-lived process (Kestrel's connection layer on Postfix:Listen).</summary>
public static class PostfixPolicyHost
{
    /// <summary>The options from configuration, and a sentence for each thing wrong with them (empty: it can run).</summary>
    public static IReadOnlyList<string> Validate(IConfiguration configuration, out PostfixPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options = new PostfixPolicyOptions();
        configuration.GetSection(PostfixPolicyOptions.SectionName).Bind(options);
        return [.. options.Problems()];
    }

    /// <summary>Builds the service; <see cref="RunAsync"/> runs it, tests start it themselves.</summary>
    public static WebApplication Build(IConfiguration configuration, PostfixPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var listen = SenderHost.Endpoint(options.Listen);
        var admin = SenderHost.Endpoint(options.AdminUrl);
        var builder = SenderHost.CreateBuilder(configuration, "postfix", options.Gate, admin, PostfixMetrics.MeterName);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(listen, endpoint => endpoint.UseConnectionHandler<PolicyConnectionHandler>()));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<PostfixMetrics>();
        builder.Services.AddSingleton<PolicyDecider>();
        var app = builder.Build();
        SenderHost.MapAdmin(app, admin);
        PostfixLog.Starting(app.Logger, listen.ToString(), string.Join(',', options.Senders.Keys), options.UnknownSender);
        return app;
    }

    public static Task<int> RunAsync(IConfiguration configuration, TextWriter error, CancellationToken cancellationToken)
    {
        var problems = Validate(configuration, out var options);
        return SenderHost.RunAsync(problems, () => Build(configuration, options), error, cancellationToken);
    }
}
