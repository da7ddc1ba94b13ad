using SendGate.Grpc.Client;
using SendGate.Grpc.Tests.Interop;
using SendGate.Tests.Support;

namespace SendGate.Grpc.Tests;

/// <summary>TLS by configuration (Grpc:Tls): an https:// endpoint negotiates h2 by ALPN.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sendgate-tls-").FullName;

    [Fact]
    public async Task HttpsEndpoint_WithPemCertificate_ServesGrpcOverAlpnH2()
    {
        var (app, address) = await StartTlsServerAsync();
        await using var _ = app;
        using var client = new GrpcClient(new GrpcClientOptions { Address = address, AcceptAnyServerCertificate = true });

        var reply = await client.UnaryAsync(Echo.Unary, new EchoRequest { Text = "over tls" });

        Assert.Equal("https", address.Scheme);
        Assert.Equal("over tls", reply.Text);
    }

    [Fact]
    public async Task HttpsEndpoint_UntrustedCertificate_IsRefusedByDefault()
    {
        var (app, address) = await StartTlsServerAsync();
        await using var _ = app;
        using var client = new GrpcClient(new GrpcClientOptions { Address = address });

        var error = await Assert.ThrowsAsync<GrpcException>(() => client.UnaryAsync(Echo.Unary, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>An Echo server on https://127.0.0.1 with a fresh self-signed PEM certificate from configuration.</summary>
    private Task<(Microsoft.AspNetCore.Builder.WebApplication App, Uri Address)> StartTlsServerAsync()
    {
        var (certificatePath, keyPath) = TestCertificates.WriteServerPem(_directory);
        return GrpcServerFixture.StartAsync("https://127.0.0.1:0", new()
        {
            ["Grpc:Tls:CertificatePath"] = certificatePath,
            ["Grpc:Tls:KeyPath"] = keyPath,
        });
    }
}
