using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SendGate.Grpc.Client;
using SendGate.Grpc.Tests.Interop;

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
        var (certificatePath, keyPath) = WriteSelfSignedPem();
        return GrpcServerFixture.StartAsync("https://127.0.0.1:0", new()
        {
            ["Grpc:Tls:CertificatePath"] = certificatePath,
            ["Grpc:Tls:KeyPath"] = keyPath,
        });
    }

    private (string Certificate, string Key) WriteSelfSignedPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sendgate-test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        string certificatePath = Path.Combine(_directory, "server.crt");
        string keyPath = Path.Combine(_directory, "server.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
