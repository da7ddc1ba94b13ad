using System.Net;
using System.Net.Sockets;
using SendGate.Tests.Support;

namespace SendGate.Server.Tests;

/// <summary>
/// A start that cannot work ends with a sentence naming the address and exit code 2, like every
/// other start-up problem. A taken port used to kill the process while its feed was still loading
/// into an index being disposed (exit 134, an access violation).
/// </summary>
public sealed class StartFailureTests
{
    [Theory]
    [InlineData("grpc")]
    [InlineData("admin")]
    public async Task PortInUse_EndsWithTheAddress_AndExitCode2(string which)
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int busy = ((IPEndPoint)taken.LocalEndpoint).Port;
        int free = GateHost.FreePort();
        string grpc = $"http://127.0.0.1:{(which == "grpc" ? busy : free)}";
        string admin = $"http://127.0.0.1:{(which == "admin" ? busy : GateHost.FreePort())}";

        var (exit, output) = await ExternalProgram.RunAsync("dotnet",
        [
            Path.Combine(AppContext.BaseDirectory, "sendgate-server.dll"),
            "--urls", grpc, "--admin-url", admin,
            "--consents", Path.Combine(ExternalProgram.RepoRoot(), "src/SendGate.Server/sample/consents.sample.jsonl"),
            "--Hashing:Key=" + GateHost.KeyBase64,
        ], limit: TimeSpan.FromSeconds(60));

        Assert.True(exit == 2, $"exit {exit}: {output}");
        Assert.Contains($"sendgate-server: Failed to bind to address http://127.0.0.1:{busy}: address already in use.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Fatal error", output, StringComparison.Ordinal);
    }
}
