using System.Diagnostics;
using SendGate.Tests.Support;

namespace SendGate.Senders.Tests;

/// <summary>
/// The documented Haraka plugin (deploy/integrations/haraka/sendgate.js) in a real Haraka from npm
/// (tests/interop/haraka, installed by eng/install-interop.sh), asking a real gate at RCPT.
/// </summary>
public sealed class HarakaTests
{
    [Fact]
    public async Task Haraka_WithThePlugin_RejectsRefusedRecipientsAtRcpt_AndDefersWhenTheGateIsDown()
    {
        GateHost? gate = await GateHost.StartAsync(SenderData.File);
        int port = GateHost.FreePort();
        string root = ExternalProgram.RepoRoot();
        string service = Path.Combine(Directory.CreateTempSubdirectory("sendgate-haraka-").FullName, "service");
        var (created, creating) = await ExternalProgram.RunAsync("node", [Harakabin(root), "-i", service]); // Haraka's own skeleton (connection.ini, log.ini, ...)
        Assert.True(created == 0, creating);
        WriteService(service, root, port, gate.Address.Port);
        using var haraka = Process.Start(new ProcessStartInfo("node", [Harakabin(root), "-c", service])
        {
            WorkingDirectory = service,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var log = haraka.StandardOutput.ReadToEndAsync();
        string transcript, down;
        try
        {
            await UntilListeningAsync(port, haraka);
            (_, transcript) = await ExternalProgram.RunAsync("swaks", ["--server", $"127.0.0.1:{port}", "--from", "news@brand.test",
                "--to", $"{SenderData.ConsentedMail},{SenderData.RefusedMail},{SenderData.UnknownMail}", "--quit-after", "RCPT"]);
            await gate.DisposeAsync();
            gate = null;
            (_, down) = await ExternalProgram.RunAsync("swaks", ["--server", $"127.0.0.1:{port}", "--from", "news@brand.test", "--to", SenderData.ConsentedMail, "--quit-after", "RCPT"]);
        }
        finally
        {
            if (gate is not null)
            {
                await gate.DisposeAsync();
            }

            haraka.Kill(entireProcessTree: true);
            await haraka.WaitForExitAsync();
            Directory.Delete(Path.GetDirectoryName(service)!, recursive: true);
        }

        string context = transcript + down + "\nHaraka's log:\n" + await log;
        Assert.True(transcript.Contains("-> RCPT TO:<consented@example.com>\n<-  250 ", StringComparison.Ordinal), context);
        Assert.True(transcript.Contains("<** 550 Commercial e-mail refused: the recipient refused commercial messages from this brand (IYS RET)", StringComparison.Ordinal), context);
        Assert.True(transcript.Contains("<** 550 Commercial e-mail refused: no IYS consent on record for commercial messages from this brand", StringComparison.Ordinal), context);
        Assert.True(down.Contains("<** 450 Consent check unavailable; try again later", StringComparison.Ordinal), context);
    }

    private static string Harakabin(string root) => Path.Combine(root, "tests/interop/haraka/node_modules/Haraka/bin/haraka");

    /// <summary>Over the skeleton: the plugin before rcpt_to.in_host_list, example.com as a local domain, the gate.</summary>
    private static void WriteService(string service, string root, int port, int gatePort)
    {
        File.Copy(Path.Combine(root, "deploy/integrations/haraka/sendgate.js"), Path.Combine(service, "plugins/sendgate.js"));
        File.CreateSymbolicLink(Path.Combine(service, "node_modules"), Path.Combine(root, "tests/interop/haraka/node_modules"));
        File.WriteAllText(Path.Combine(service, "config/plugins"), "sendgate\nrcpt_to.in_host_list\n");
        File.WriteAllText(Path.Combine(service, "config/host_list"), "example.com\n");
        File.WriteAllText(Path.Combine(service, "config/smtp.ini"), $"[main]\nlisten=127.0.0.1:{port}\nnodes=\n");
        File.WriteAllText(Path.Combine(service, "config/sendgate.ini"),
            $"[gate]\naddress=127.0.0.1:{gatePort}\nproto_root={Path.Combine(root, "proto")}\ntimeout_ms=5000\n[sender]\niys_code={SenderData.Iys}\nbrand_code={SenderData.Brand}\n");
    }

    private static async Task UntilListeningAsync(int port, Process haraka)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !haraka.HasExited)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(200);
            }
        }

        Assert.Fail($"Haraka did not listen on {port}: {(haraka.HasExited ? await haraka.StandardError.ReadToEndAsync() : "timed out")}");
    }
}
