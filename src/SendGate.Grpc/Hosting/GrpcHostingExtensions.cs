using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGate.Grpc.Health;
using SendGate.Grpc.Server;

namespace SendGate.Grpc.Hosting;

public static class GrpcHostingExtensions
{
    /// <summary>
    /// The gRPC transport: options from the <c>Grpc</c> section (validated at start), the health
    /// service, the method registry, and Kestrel set up for HTTP/2 with the configured limits.
    /// </summary>
    public static IServiceCollection AddGrpcTransport(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        var builder = services.AddOptions<GrpcServerOptions>().BindConfiguration(GrpcServerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddSingleton<HealthStatusRegistry>();
        services.AddSingleton<IGrpcService, HealthService>();
        services.TryAddSingleton(sp => GrpcServiceRegistry.Build(sp.GetServices<IGrpcService>(), sp.GetRequiredService<IOptions<GrpcServerOptions>>().Value.EnableReflection));
        services.AddTransient<IConfigureOptions<KestrelServerOptions>, GrpcKestrelSetup>();
        return services;
    }

    /// <summary>Hosts a service: it is created once and its methods are bound at start-up.</summary>
    public static IServiceCollection AddGrpcService<TService>(this IServiceCollection services)
        where TService : class, IGrpcService
    {
        services.TryAddSingleton<TService>();
        services.AddSingleton<IGrpcService>(sp => sp.GetRequiredService<TService>());
        return services;
    }

    /// <summary>Answers gRPC requests; anything else goes on down the pipeline.</summary>
    public static IApplicationBuilder UseGrpcTransport(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var registry = app.ApplicationServices.GetRequiredService<GrpcServiceRegistry>();
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("SendGate.Grpc");
        if (logger.IsEnabled(LogLevel.Information))
        {
            string services = string.Join(", ", registry.ServiceNames);
            GrpcLog.ServicesMapped(logger, services);
        }

        return app.UseMiddleware<GrpcDispatcherMiddleware>();
    }

    /// <summary>
    /// Kestrel for gRPC: endpoints speak HTTP/2 only (with HTTP/1 also enabled, Kestrel cannot
    /// offer h2c on plaintext endpoints), the HTTP/2 limits from options, and the TLS certificate
    /// for https:// endpoints (ALPN then picks h2).
    /// </summary>
    private sealed class GrpcKestrelSetup(IOptions<GrpcServerOptions> options) : IConfigureOptions<KestrelServerOptions>
    {
        public void Configure(KestrelServerOptions kestrel)
        {
            var grpc = options.Value;
            var http2 = kestrel.Limits.Http2;
            http2.MaxStreamsPerConnection = grpc.Http2.MaxStreamsPerConnection;
            http2.InitialConnectionWindowSize = grpc.Http2.InitialConnectionWindowSize;
            http2.InitialStreamWindowSize = grpc.Http2.InitialStreamWindowSize;
            http2.MaxFrameSize = grpc.Http2.MaxFrameSize;
            http2.KeepAlivePingDelay = grpc.Http2.KeepAlivePingDelay ?? TimeSpan.MaxValue;
            http2.KeepAlivePingTimeout = grpc.Http2.KeepAlivePingTimeout;
            kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2);
            if (!string.IsNullOrEmpty(grpc.Tls.CertificatePath))
            {
                var certificate = LoadCertificate(grpc.Tls);
                var clientCas = string.IsNullOrEmpty(grpc.Tls.ClientCaPath) ? null : LoadCas(grpc.Tls.ClientCaPath);
                kestrel.ConfigureHttpsDefaults(https =>
                {
                    https.ServerCertificate = certificate;
                    if (clientCas is not null)
                    {
                        https.ClientCertificateMode = grpc.Tls.RequireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.AllowCertificate;
                        https.ClientCertificateValidation = (client, _, _) => ChainsTo(client, clientCas);
                    }
                });
            }
        }

        /// <summary>Only the configured CAs are trusted for clients, not the machine's store: a public CA must not vouch for a client identity.</summary>
        private static bool ChainsTo(X509Certificate2 client, X509Certificate2Collection cas)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(cas);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // no CRL/OCSP reachable here; rotate by re-issuing
            chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")); // client authentication
            return chain.Build(client);
        }

        private static X509Certificate2Collection LoadCas(string path)
        {
            var cas = new X509Certificate2Collection();
            cas.ImportFromPemFile(path);
            return cas;
        }

        private static X509Certificate2 LoadCertificate(GrpcTlsOptions tls)
        {
            string path = tls.CertificatePath!;
            if (!string.IsNullOrEmpty(tls.KeyPath))
            {
                return string.IsNullOrEmpty(tls.Password)
                    ? X509Certificate2.CreateFromPemFile(path, tls.KeyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, tls.Password, tls.KeyPath);
            }

            return X509CertificateLoader.LoadPkcs12FromFile(path, tls.Password);
        }
    }
}
