using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
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

    /// <summary>A shard's settings that cannot serve a brand-placed topic stop the start with the setting named.</summary>
    [Theory]
    [InlineData("--Feed:Kind=File", "Shard:Partitions needs Feed:Kind=Kafka")]
    [InlineData("--Feed:Kind=Kafka", "Shard:Partitions needs Feed:Kafka:Placement=Brand")]
    public async Task ShardWithoutBrandPlacement_EndsWithTheSetting_AndExitCode2(string feed, string expected)
    {
        var (exit, output) = await ExternalProgram.RunAsync("dotnet",
        [
            Path.Combine(AppContext.BaseDirectory, "sendgate-server.dll"),
            "--urls", $"http://127.0.0.1:{GateHost.FreePort()}", "--admin-url", $"http://127.0.0.1:{GateHost.FreePort()}",
            "--consents", Path.Combine(ExternalProgram.RepoRoot(), "src/SendGate.Server/sample/consents.sample.jsonl"),
            "--Hashing:Key=" + GateHost.KeyBase64, feed, "--Feed:Kafka:BootstrapServers=127.0.0.1:1", "--Shard:Partitions:0=1",
        ], limit: TimeSpan.FromSeconds(60));

        Assert.True(exit == 2, $"exit {exit}: {output}");
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Started from another folder, the gate still reads the appsettings.json it is installed
    /// with (here: its single-line, timestamped log format), and a relative <c>--consents</c> is
    /// the caller's file. It used to take the working directory as its content root: no settings
    /// at all, and every request logged at Information level.
    /// </summary>
    [Fact]
    public async Task StartedFromAnotherFolder_ReadsItsOwnSettings_AndTheCallersRelativePaths()
    {
        string folder = Directory.CreateTempSubdirectory("sendgate-cwd-").FullName;
        try
        {
            File.Copy(Path.Combine(ExternalProgram.RepoRoot(), "src/SendGate.Server/sample/consents.sample.jsonl"), Path.Combine(folder, "mine.jsonl"));
            using var taken = new TcpListener(IPAddress.Loopback, 0);
            taken.Start(); // the start ends at the bind (exit 2), after the feed has begun
            int busy = ((IPEndPoint)taken.LocalEndpoint).Port;

            var (exit, output) = await ExternalProgram.RunAsync("dotnet",
            [
                Path.Combine(AppContext.BaseDirectory, "sendgate-server.dll"),
                "--urls", $"http://127.0.0.1:{busy}", "--admin-url", $"http://127.0.0.1:{GateHost.FreePort()}",
                "--consents", "mine.jsonl",
                "--Hashing:Key=" + GateHost.KeyBase64,
            ], workingDirectory: folder, limit: TimeSpan.FromSeconds(60));

            Assert.True(exit == 2, $"exit {exit}: {output}");
            string loading = Regex.Escape($"Loading consents from {Path.Combine(folder, "mine.jsonl")}");
            Assert.Matches(new Regex($@"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z info: SendGate\.Feed\.File\.FileConsentSource\[2001\] {loading}", RegexOptions.Multiline), output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
