using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SendGate.Server.Hosting;

/// <summary>
/// The gate's listening addresses. gRPC endpoints come from the standard <c>urls</c> setting
/// (<c>--urls</c>, <c>ASPNETCORE_URLS</c>) and speak HTTP/2 only (h2c on http:// and unix:, ALPN h2
/// on https://); the admin endpoint (metrics, health) speaks HTTP/1.1 on its own port. Kestrel
/// ignores <c>urls</c> once any endpoint is configured in code, so both are configured here.
/// </summary>
internal static class Endpoints
{
    public const string DefaultGrpcUrls = "http://127.0.0.1:50051";
    public const string DefaultAdminUrl = "http://127.0.0.1:9464";

    public static void Configure(KestrelServerOptions kestrel, string grpcUrls, string? adminUrl)
    {
        foreach (string url in grpcUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (UnixSocketPath(url) is { } socket)
            {
                // A caller on the same host skips TCP altogether; who may connect is the socket file's permissions.
                kestrel.ListenUnixSocket(socket, listen => listen.Protocols = HttpProtocols.Http2);
                continue;
            }

            var (address, port, https) = Parse(url);
            Listen(kestrel, address, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (https)
                {
                    listen.UseHttps(); // the certificate comes from Grpc:Tls (ConfigureHttpsDefaults)
                }
            });
        }

        if (!string.IsNullOrWhiteSpace(adminUrl))
        {
            var (address, port, https) = Parse(adminUrl);
            if (https)
            {
                throw new InvalidOperationException("Admin:Url serves metrics and health over plain HTTP/1.1; bind it to a private interface instead of using https.");
            }

            Listen(kestrel, address, port, listen => listen.Protocols = HttpProtocols.Http1);
        }
    }

    /// <summary>The gRPC URLs: the standard <c>urls</c> setting, else the default.</summary>
    public static string GrpcUrls(IConfiguration configuration) =>
        configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls ? urls : DefaultGrpcUrls;

    /// <summary>True when every gRPC URL binds a loopback address (127.0.0.0/8, ::1, localhost) or a Unix socket: only this machine can call.</summary>
    public static bool AreLoopbackOnly(string grpcUrls) =>
        grpcUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .All(url => UnixSocketPath(url) is not null || Parse(url).Address is not { } address || IPAddress.IsLoopback(address));

    /// <summary>The socket path of a <c>unix:/path/gate.sock</c> URL; null for any other URL.</summary>
    public static string? UnixSocketPath(string url)
    {
        if (!url.StartsWith("unix:", StringComparison.Ordinal))
        {
            return null;
        }

        string path = url["unix:".Length..];
        return Path.IsPathRooted(path)
            ? path
            : throw new InvalidOperationException($"'{url}': a Unix socket URL names an absolute path, e.g. unix:/run/sendgate/gate.sock.");
    }

    /// <summary>The port of the admin URL (requests on it are routed to the admin endpoints only).</summary>
    public static int AdminPort(string? adminUrl) => string.IsNullOrWhiteSpace(adminUrl) ? -1 : Parse(adminUrl).Port;

    private static (IPAddress? Address, int Port, bool Https) Parse(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal), UriKind.Absolute, out var uri) ||
            uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"'{url}' is not a listening address: expected http://HOST:PORT, https://HOST:PORT or unix:/PATH.");
        }

        IPAddress? address = uri.Host switch
        {
            "localhost" => null,
            _ when IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) => ip,
            _ => throw new InvalidOperationException($"'{url}': listen on an IP address, 'localhost', '*' or '+'."),
        };
        return (address, uri.Port, uri.Scheme == "https");
    }

    private static void Listen(KestrelServerOptions kestrel, IPAddress? address, int port, Action<ListenOptions> configure)
    {
        if (address is null)
        {
            kestrel.ListenLocalhost(port, configure);
        }
        else
        {
            kestrel.Listen(address, port, configure);
        }
    }
}
