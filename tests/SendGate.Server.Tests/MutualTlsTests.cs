using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SendGate.Client;
using SendGate.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using SendGate.Tests.Support;

namespace SendGate.Server.Tests;

/// <summary>
/// Mutual TLS over loopback: a client certificate signed by the configured client CA identifies
/// a client by its subject; one from another issuer never completes the handshake; a CA-signed
/// certificate whose subject no client names is UNAUTHENTICATED.
/// </summary>
public sealed class MutualTlsTests : IAsyncLifetime
{
    private const string Subject = "CN=acme-sms, O=Acme";
    private readonly string _directory = Directory.CreateTempSubdirectory("sendgate-mtls-").FullName;
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private X509Certificate2 _ca = null!;
    private GateHost _gate = null!;

    public async Task InitializeAsync()
    {
        var caRequest = new CertificateRequest("CN=SendGate test client CA", _caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        _ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        string caPath = Path.Combine(_directory, "clients-ca.pem");
        await File.WriteAllTextAsync(caPath, _ca.ExportCertificatePem());
        var (serverCertificate, serverKey) = TestCertificates.WriteServerPem(_directory);
        _gate = await GateHost.StartAsync(Consents.File, new Dictionary<string, string?>
        {
            ["Grpc:Tls:CertificatePath"] = serverCertificate,
            ["Grpc:Tls:KeyPath"] = serverKey,
            ["Grpc:Tls:ClientCaPath"] = caPath,
            ["Access:Clients:acme:CertificateSubjects:0"] = Subject,
            ["Access:Clients:acme:Grants:0:IysCode"] = "123456",
            ["Access:Clients:acme:Grants:0:Channels:0"] = "MESAJ",
        }, urls: "https://127.0.0.1:0");
    }

    public async Task DisposeAsync()
    {
        await _gate.DisposeAsync();
        _ca.Dispose();
        _caKey.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task CaSignedCertificate_IdentifiesTheClientBySubject()
    {
        using var certificate = ClientCertificate(Subject, signedByCa: true);
        using var channel = ChannelWith(certificate);

        var answer = await new Contracts.V1.Gate.GateClient(channel).CheckAsync(Request());

        Assert.Equal((byte)Reason.AllowedConsent, answer.Reasons[0]);
    }

    [Fact]
    public async Task CertificateFromAnotherIssuer_NeverCompletesTheHandshake()
    {
        using var certificate = ClientCertificate(Subject, signedByCa: false);
        using var channel = ChannelWith(certificate);

        var refused = await Assert.ThrowsAsync<RpcException>(() => new Contracts.V1.Gate.GateClient(channel).CheckAsync(Request()).ResponseAsync);

        // The TLS layer refuses, not the gate: with TLS 1.3 the client learns it only after its
        // side of the handshake, as UNAVAILABLE (while connecting) or INTERNAL (the connection
        // reset under its first request), depending on timing. Never an answer, never a gate status.
        Assert.Contains(refused.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
    }

    [Fact]
    public async Task CaSignedCertificate_OfNoClient_IsUnauthenticated_AndNoCertificate_Too()
    {
        using var stranger = ClientCertificate("CN=stranger, O=Elsewhere", signedByCa: true);
        using var strangerChannel = ChannelWith(stranger);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => new Contracts.V1.Gate.GateClient(strangerChannel).CheckAsync(Request()).ResponseAsync);
        var none = await Assert.ThrowsAsync<RpcException>(() => _gate.Gate.CheckAsync(Request()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, unknown.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
    }

    private GrpcChannel ChannelWith(X509Certificate2 certificate) => GateChannel.Create(new GateClientOptions
    {
        Address = _gate.Address,
        AcceptAnyServerCertificate = true,
        ClientCertificate = certificate,
        MaxAttempts = 1,
    });

    private static CheckRequest Request()
    {
        var request = GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567"]);
        request.IysCode = 123456;
        return request;
    }

    private X509Certificate2 ClientCertificate(string subject, bool signedByCa)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-1);
        var notAfter = DateTimeOffset.UtcNow.AddMinutes(30);
        if (!signedByCa)
        {
            return request.CreateSelfSigned(notBefore, notAfter);
        }

        using var issued = request.Create(_ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
        // Through PKCS#12 so that the TLS stack gets a certificate with its key as it would from a file.
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
