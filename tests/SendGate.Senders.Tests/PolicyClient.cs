using System.Net.Sockets;
using System.Text;

namespace SendGate.Senders.Tests;

/// <summary>Postfix's side of the policy delegation protocol, as smtpd speaks it: name=value lines, an empty line, one answer.</summary>
internal sealed class PolicyClient : IDisposable
{
    private readonly TcpClient _tcp = new();
    private StreamReader? _reader;
    private Stream? _stream;

    public static async Task<PolicyClient> ConnectAsync(int port)
    {
        var client = new PolicyClient();
        await client._tcp.ConnectAsync("127.0.0.1", port);
        client._stream = client._tcp.GetStream();
        client._reader = new StreamReader(client._stream, Encoding.UTF8);
        return client;
    }

    /// <summary>An RCPT request as smtpd sends it (with the attributes the service must ignore), and the action answered.</summary>
    public Task<string> RcptAsync(string recipient, string policyContext = "acme", string saslUsername = "", TimeSpan? patience = null) => AskAsync(new Dictionary<string, string>
    {
        ["request"] = "smtpd_access_policy",
        ["protocol_state"] = "RCPT",
        ["protocol_name"] = "ESMTP",
        ["client_address"] = "127.0.0.1",
        ["helo_name"] = "client.test",
        ["sender"] = "news@brand.test",
        ["recipient"] = recipient,
        ["recipient_count"] = "0",
        ["queue_id"] = string.Empty,
        ["sasl_method"] = saslUsername.Length > 0 ? "plain" : string.Empty,
        ["sasl_username"] = saslUsername,
        ["policy_context"] = policyContext,
    }, patience);

    public async Task<string> AskAsync(IReadOnlyDictionary<string, string> attributes, TimeSpan? patience = null)
    {
        var request = new StringBuilder();
        foreach (var (name, value) in attributes)
        {
            request.Append(name).Append('=').Append(value).Append('\n');
        }

        await SendRawAsync(request.Append('\n').ToString());
        return await ReadAnswerOrCloseAsync(patience) ?? throw new IOException("the policy service closed the connection");
    }

    public async Task SendRawAsync(string text) => await _stream!.WriteAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// The action of the next answer ("action=X" then an empty line); null when the service closed the connection.
    /// <paramref name="patience"/> is how long the caller (Postfix) waits; 30 s by default, only to bound a hang.
    /// </summary>
    public async Task<string?> ReadAnswerOrCloseAsync(TimeSpan? patience = null)
    {
        string? line = await _reader!.ReadLineAsync().WaitAsync(patience ?? TimeSpan.FromSeconds(30));
        if (line is null)
        {
            return null;
        }

        Assert.StartsWith("action=", line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await _reader.ReadLineAsync());
        return line["action=".Length..];
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _tcp.Dispose();
    }
}
