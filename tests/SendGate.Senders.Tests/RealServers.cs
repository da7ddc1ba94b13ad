using SendGate.Tests.Support;

namespace SendGate.Senders.Tests;

/// <summary>Debian's Postfix, private to one test, started and stopped by eng/postfix.sh; mail it delivers lands in <see cref="SinkDirectory"/>.</summary>
internal sealed class PostfixServer : IAsyncDisposable
{
    private readonly string _directory;

    private PostfixServer(string directory, int smtpPort)
    {
        _directory = directory;
        SmtpPort = smtpPort;
    }

    public int SmtpPort { get; }

    public string SinkDirectory => Path.Combine(_directory, "sink");

    public static async Task<PostfixServer> StartAsync(int policyPort)
    {
        string directory = Directory.CreateTempSubdirectory("sendgate-postfix-").FullName;
        int smtp = GateHost.FreePort(), sink = GateHost.FreePort();
        await Eng.RunAsync("postfix.sh", "start", directory, Eng.Text(smtp), Eng.Text(policyPort), Eng.Text(sink));
        return new PostfixServer(directory, smtp);
    }

    /// <summary>One message through swaks to <paramref name="recipients"/>; swaks's transcript (the SMTP replies).</summary>
    public async Task<string> SubmitAsync(params string[] recipients)
    {
        var (_, transcript) = await ExternalProgram.RunAsync("swaks", ["--server", $"127.0.0.1:{SmtpPort}", "--from", "news@brand.test", "--to", string.Join(',', recipients),
            "--header", "Subject: spring campaign", "--body", "A commercial message.", "--timeout", "60"], limit: TimeSpan.FromMinutes(2));
        return transcript;
    }

    /// <summary>The envelope recipients of every message the sink received, once <paramref name="messages"/> have arrived.</summary>
    public async Task<List<string>> DeliveredAsync(int messages)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Directory.GetFiles(SinkDirectory).Length < messages && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        return [.. Directory.GetFiles(SinkDirectory).SelectMany(File.ReadLines)
            .Where(line => line.StartsWith("X-Rcpt-Args: <", StringComparison.Ordinal))
            .Select(line => line["X-Rcpt-Args: <".Length..line.IndexOf('>', StringComparison.Ordinal)])];
    }

    public async ValueTask DisposeAsync()
    {
        await Eng.RunAsync("postfix.sh", "stop", _directory);
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>Debian's Kannel (bearerbox, smsbox, a fakesmsc as the operator), private to one test, run by eng/kannel.sh.</summary>
internal sealed class KannelServer : IAsyncDisposable
{
    public const string User = "acme";
    public const string Password = "acme-secret";

    private readonly string _directory;

    private KannelServer(string directory, int basePort)
    {
        _directory = directory;
        SendSmsUrl = $"http://127.0.0.1:{basePort + 3}/cgi-bin/sendsms";
    }

    /// <summary>smsbox's own sendsms (which the front forwards to).</summary>
    public string SendSmsUrl { get; }

    public static async Task<KannelServer> StartAsync(string frontUrl)
    {
        string directory = Directory.CreateTempSubdirectory("sendgate-kannel-").FullName;
        int basePort = FreeRange();
        await Eng.RunAsync("kannel.sh", "start", directory, Eng.Text(basePort), User, Password, frontUrl);
        return new KannelServer(directory, basePort);
    }

    /// <summary>(receiver, text) of every message the operator's SMSC received so far.</summary>
    public List<(string To, string Text)> Delivered() => [.. File.ReadLines(Path.Combine(_directory, "delivered.log"))
        .Where(line => line.Contains("Got message", StringComparison.Ordinal))
        .Select(line => line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.LastIndexOf('>')].Split(' ', 4))
        .Select(parts => (parts[1], parts[3]))];

    public async Task<List<(string To, string Text)>> DeliveredAsync(int messages)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Delivered().Count < messages && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        return Delivered();
    }

    /// <summary>A handset's reply: <paramref name="from"/> texts <paramref name="text"/> to the brand's <paramref name="to"/>.</summary>
    public Task ReplyAsync(string from, string to, string text) => Eng.RunAsync("kannel.sh", "mo", _directory, from, to, text);

    public async ValueTask DisposeAsync()
    {
        await Eng.RunAsync("kannel.sh", "stop", _directory);
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A base port with the 12 after it free (Kannel's admin, smsbox, sendsms and two fake SMSC ports).</summary>
    private static int FreeRange()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int start = Random.Shared.Next(30000, 60000);
            if (Enumerable.Range(start, 12).All(Free))
            {
                return start;
            }
        }

        throw new InvalidOperationException("no free range of 12 ports");
    }

    private static bool Free(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}

/// <summary>The project's eng/ scripts, run from tests.</summary>
internal static class Eng
{
    public static async Task RunAsync(string script, params string[] arguments)
    {
        string root = ExternalProgram.RepoRoot();
        var (exit, output) = await ExternalProgram.RunAsync("bash", [Path.Combine(root, "eng", script), .. arguments], root, TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"eng/{script} {string.Join(' ', arguments)} failed ({exit}):\n{output}");
    }

    public static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
