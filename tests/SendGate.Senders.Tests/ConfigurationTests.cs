using System.CommandLine;
using SendGate.Cli;

namespace SendGate.Senders.Tests;

/// <summary>Bad configuration stops an adapter at start with a sentence per problem, naming the setting (exit 2).</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task PostfixPolicy_WithBadConfiguration_SaysWhatIsWrong()
    {
        string config = await WriteAsync("""
            { "Postfix": { "Listen": "nowhere", "UnknownSender": "MAYBE later",
                           "Senders": { "acme": { "IysCode": 123456, "RecipientType": "KURUMSAL" } },
                           "Gate": { "Address": "grpc://gate", "MaxWait": "00:00:05" } } }
            """);

        var (exit, error) = await RunAsync("postfix-policy", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("Postfix:Listen: 'nowhere' is not an address to listen on", error, StringComparison.Ordinal);
        Assert.Contains("Postfix:Senders:acme:BrandCode is required", error, StringComparison.Ordinal);
        Assert.Contains("Postfix:Senders:acme:RecipientType 'KURUMSAL' is not BIREYSEL or TACIR", error, StringComparison.Ordinal);
        Assert.Contains("Postfix:UnknownSender 'MAYBE later' is not a Postfix access action", error, StringComparison.Ordinal);
        Assert.Contains("Postfix:Gate:Address: 'grpc://gate' is not a gate address", error, StringComparison.Ordinal);
        Assert.Contains("Postfix:Gate:MaxWait must be between 0 and 1 s", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KannelFront_WithBadConfiguration_SaysWhatIsWrong()
    {
        string config = await WriteAsync("""
            { "Kannel": { "SmsboxUrl": "smsbox:13013",
                          "Users": { "acme": { "IysCode": 123456, "BrandCode": 123457, "Numbers": [ "3434" ] },
                                     "other": { "Password": "x", "IysCode": 123456, "BrandCode": 654321, "Numbers": [ "+3434" ] } },
                          "OptOut": { "Source": "IYS_MOBIL", "Keywords": [ "RET LUTFEN" ] } } }
            """);

        var (exit, error) = await RunAsync("kannel-front", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("Kannel:SmsboxUrl 'smsbox:13013' is not an http(s) URL", error, StringComparison.Ordinal);
        Assert.Contains("Kannel:Users:acme:Password is required", error, StringComparison.Ordinal);
        Assert.Contains("Kannel:Users:other:Numbers: '+3434' is also acme's", error, StringComparison.Ordinal);
        Assert.Contains("Kannel:OptOut:Source 'IYS_MOBIL' is not one of İYS's provider sources", error, StringComparison.Ordinal);
        Assert.Contains("Kannel:OptOut:Keywords: 'RET LUTFEN' is not one word", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adapters_WithoutAnySenderConfigured_SayHowToAddOne()
    {
        string config = await WriteAsync("{}");

        var (postfixExit, postfix) = await RunAsync("postfix-policy", "--config", config);
        var (kannelExit, kannel) = await RunAsync("kannel-front", "--config", config);

        Assert.Equal((2, 2), (postfixExit, kannelExit));
        Assert.Contains("Postfix:Senders: no sender is configured; add Postfix:Senders:<sasl_username or policy_context>:BrandCode", postfix, StringComparison.Ordinal);
        Assert.Contains("Kannel:Users: no sendsms user is configured", kannel, StringComparison.Ordinal);
    }

    private static async Task<string> WriteAsync(string json)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("sendgate-adapter-config-").FullName, "config.json");
        await File.WriteAllTextAsync(path, json);
        return path;
    }

    private static async Task<(int Exit, string Error)> RunAsync(params string[] args)
    {
        var error = new StringWriter();
        int exit = await SendGateCli.Root().Parse(args).InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        return (exit, error.ToString());
    }
}
