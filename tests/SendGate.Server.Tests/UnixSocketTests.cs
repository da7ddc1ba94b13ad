using SendGate.Client;
using SendGate.Contracts.V1;
using SendGate.Tests.Support;

namespace SendGate.Server.Tests;

/// <summary>A gateway on the gate's host calls over a Unix domain socket (<c>unix:/path</c>) and gets the same answers as over TCP.</summary>
public sealed class UnixSocketTests
{
    [Fact]
    public async Task UnixSocket_AnswersLikeTcp()
    {
        string socket = Path.Combine(Path.GetTempPath(), $"sendgate-{Guid.NewGuid():N}.sock");
        try
        {
            await AnswersAsync(socket);
        }
        finally
        {
            File.Delete(socket);
        }
    }

    private static async Task AnswersAsync(string socket)
    {
        await using var host = await GateHost.StartAsync(Consents.File, urls: $"http://127.0.0.1:0;unix:{socket}");
        using var channel = GateChannel.Create(new GateClientOptions { Address = new Uri("unix:" + socket), MaxAttempts = 1 });
        var request = GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567", "05321234568", "05329999999", "12345"]);

        var overSocket = await new Contracts.V1.Gate.GateClient(channel).CheckAsync(request);
        var overTcp = await host.Gate.CheckAsync(request);

        Assert.Equal(overTcp.Reasons, overSocket.Reasons);
        Assert.Equal(
            [(byte)Reason.AllowedConsent, (byte)Reason.DeniedRefused, (byte)Reason.DeniedNoConsent, (byte)Reason.DeniedInvalidRecipient],
            overSocket.Reasons.ToByteArray());
    }
}
