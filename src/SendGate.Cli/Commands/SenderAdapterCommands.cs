using System.CommandLine;
using SendGate.Senders.Kannel;
using SendGate.Senders.Postfix;

namespace SendGate.Cli.Commands;

/// <summary>
/// The sender adapters as long-lived services: <c>sendgate postfix-policy</c> (Postfix policy delegation) and
/// <c>sendgate kannel-front</c> (Kannel's sendsms in front of smsbox, and the reply get-url). Each calls the gate
/// over gRPC like any client, with its own API key; configuration from --config, the environment, then the options.
/// </summary>
internal static class SenderAdapterCommands
{
    public static Command PostfixPolicy()
    {
        var config = new Option<FileInfo?>("--config") { Description = "JSON configuration with a Postfix section: Senders, Gate, Listen, UnknownSender (the environment's Postfix__* also apply)" };
        var listen = new Option<string?>("--listen") { Description = "IP:PORT for check_policy_service inet:IP:PORT (default: Postfix:Listen, else 127.0.0.1:10040)" };
        var admin = new Option<string?>("--admin-url") { Description = "Metrics and health, IP:PORT (default: Postfix:AdminUrl, else 127.0.0.1:9466)" };
        var command = new Command("postfix-policy", "Postfix policy delegation service (check_policy_service): at RCPT, DUNNO for a consented recipient, REJECT 5.7.1 for a denied one, DEFER_IF_PERMIT 4.7.1 when the gate cannot answer")
        {
            config, listen, admin,
        };
        command.SetAction((parse, cancellationToken) =>
            PostfixPolicyHost.RunAsync(Configuration(parse, config, PostfixPolicyOptions.SectionName, listen, admin), parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    public static Command KannelFront()
    {
        var config = new Option<FileInfo?>("--config") { Description = "JSON configuration with a Kannel section: Users, SmsboxUrl, OptOut, Gate, Listen (the environment's Kannel__* also apply)" };
        var listen = new Option<string?>("--listen") { Description = "IP:PORT serving /cgi-bin/sendsms and /mo (default: Kannel:Listen, else 127.0.0.1:13080)" };
        var admin = new Option<string?>("--admin-url") { Description = "Metrics and health, IP:PORT (default: Kannel:AdminUrl, else 127.0.0.1:9467)" };
        var command = new Command("kannel-front", "Kannel's /cgi-bin/sendsms in front of smsbox, forwarding only the recipients the gate allows; /mo records a reply 'RET' as the recipient's refusal")
        {
            config, listen, admin,
        };
        command.SetAction((parse, cancellationToken) =>
            KannelFrontHost.RunAsync(Configuration(parse, config, KannelFrontOptions.SectionName, listen, admin), parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    /// <summary>--config, the environment, then --listen and --admin-url over <paramref name="section"/>'s Listen and AdminUrl.</summary>
    private static Microsoft.Extensions.Configuration.IConfiguration Configuration(ParseResult parse, Option<FileInfo?> config, string section, Option<string?> listen, Option<string?> admin)
    {
        var overrides = new List<KeyValuePair<string, string?>>();
        if (parse.GetValue(listen) is { } address)
        {
            overrides.Add(new($"{section}:Listen", address));
        }

        if (parse.GetValue(admin) is { } adminAddress)
        {
            overrides.Add(new($"{section}:AdminUrl", adminAddress));
        }

        return ToolConfiguration.Build(parse.GetValue(config), overrides);
    }
}
