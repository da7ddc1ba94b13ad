using System.Security.Cryptography.X509Certificates;
using Grpc.HealthCheck;
using Grpc.Reflection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace SendGate.Server.Hosting;

/// <summary>
/// gRPC on grpc-dotnet as the gate serves it: message sizes and detailed errors from the
/// <c>Grpc</c> section (gzip from clients is grpc-dotnet's default), Kestrel's HTTP/2 limits and
/// TLS, grpc.health.v1 and grpc.reflection (v1 and v1alpha) listing the services given. The gate
/// adds sendgate.v1.Gate on top (<see cref="SendGateServices"/>); the interop tests add their Echo service.
/// </summary>
internal static class GrpcHosting
{
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The configuration holding the <c>Grpc</c> section.</param>
    /// <param name="served">The application's services, as reflection lists them (besides health and reflection).</param>
    public static IServiceCollection AddGrpcTransport(this IServiceCollection services, IConfiguration configuration, params Google.Protobuf.Reflection.ServiceDescriptor[] served)
    {
        services.AddOptions<GrpcServerOptions>().BindConfiguration(GrpcServerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var grpc = configuration.GetSection(GrpcServerOptions.SectionName).Get<GrpcServerOptions>() ?? new GrpcServerOptions();
        if (grpc.InlineCompletions)
        {
            InlineCompletions.Enable(); // before Kestrel binds its first socket
        }

        services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = grpc.MaxReceiveMessageSize;
            options.MaxSendMessageSize = grpc.MaxSendMessageSize;
            options.EnableDetailedErrors = grpc.EnableDetailedErrors;
        });
        services.AddSingleton<HealthServiceImpl>();
        if (grpc.EnableReflection)
        {
            // What reflection lists is said here: a service bound by its own method provider (the
            // gate's) is invisible to grpc-dotnet's discovery, which looks for generated service bases.
            Google.Protobuf.Reflection.ServiceDescriptor[] described =
            [
                .. served,
                Grpc.Health.V1.Health.Descriptor,
                Grpc.Reflection.V1.ServerReflection.Descriptor,
                Grpc.Reflection.V1Alpha.ServerReflection.Descriptor,
            ];
            services.AddSingleton(new ReflectionServiceImpl(described));
            services.AddSingleton(new ReflectionV1ServiceImpl(described));
            services.AddGrpcReflection();
        }

        services.AddTransient<IConfigureOptions<KestrelServerOptions>, KestrelSetup>();
        return services;
    }

    /// <summary>Maps health and, when enabled, reflection; the application maps its own services.</summary>
    public static void MapGrpcTransport(this WebApplication app)
    {
        app.MapGrpcService<HealthServiceImpl>();
        if (app.Services.GetRequiredService<IOptions<GrpcServerOptions>>().Value.EnableReflection)
        {
            app.MapGrpcReflectionService();
        }
    }

    /// <summary>
    /// Kestrel for gRPC: the HTTP/2 limits from options, and the TLS certificate and client CAs
    /// for https:// endpoints (ALPN then picks h2).
    /// </summary>
    private sealed class KestrelSetup(IOptions<GrpcServerOptions> options) : IConfigureOptions<KestrelServerOptions>
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
