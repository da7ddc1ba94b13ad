using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SendGate.Synthetic;
using SendGate.Feed.Pipeline;
using SendGate.Tests.Support;

namespace SendGate.Cli.Tests;

/// <summary>The operators' tool against a real gate on loopback, run in process with its own output writers.</summary>
public sealed class CliTests
{
    [Fact]
    public void Generate_IsReproducible_AndSeedSensitive()
    {
        string a = Generate(seed: 7);
        string b = Generate(seed: 7);
        string c = Generate(seed: 8);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Contains("\"brandCode\":123459", a, StringComparison.Ordinal);
        Assert.Contains("lineClosedDate", a, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_OutputLoadsIntoTheGateWithoutASingleRejectedLine()
    {
        string file = Generate(seed: 9, recipients: 3_000, examples: true);

        await using var host = await GateHost.StartAsync(file);

        var feed = host.Services.GetRequiredService<FeedRunner>();
        Assert.Equal(0, feed.Rejected);
        Assert.Equal(file.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, feed.Applied);
    }

    [Fact]
    public async Task Check_PrintsOneReasonPerRecipientAndASummary()
    {
        await using var host = await GateHost.StartAsync(Consents.File);

        var (exit, output, _) = await RunAsync("check", "--address", host.Address.ToString(), "--brand", "123457", "--channel", "MESAJ", "0532 123 45 67", "05321234568", "bad");

        Assert.Equal(0, exit);
        Assert.Matches(@"0532 123 45 67\s+ALLOWED_CONSENT", output);
        Assert.Matches(@"05321234568\s+DENIED_REFUSED", output);
        Assert.Matches(@"bad\s+DENIED_INVALID_RECIPIENT", output);
        Assert.Contains("1 of 3 allowed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filter_KeepsOnlyTheAllowedRecipients()
    {
        await using var host = await GateHost.StartAsync(Consents.File);
        string directory = Directory.CreateTempSubdirectory("sendgate-filter-").FullName;
        string input = Path.Combine(directory, "list.txt");
        string output = Path.Combine(directory, "allowed.txt");
        await File.WriteAllLinesAsync(input, ["0532 123 45 67", "05321234568", "05321234562", "05329999999", "", "12345"]);

        var (exit, _, error) = await RunAsync("filter", "--address", host.Address.ToString(), "--brand", "123457", "--channel", "MESAJ", "--batch", "2", "--in", input, "--out", output);

        Assert.Equal(0, exit);
        Assert.Equal(["0532 123 45 67", "05321234562"], await File.ReadAllLinesAsync(output));
        Assert.Contains("kept 2 of 5", error, StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Explain_PrintsTheRuleAndTheRecord()
    {
        await using var host = await GateHost.StartAsync(Consents.File);

        var (exit, output, _) = await RunAsync("explain", "--address", host.Address.ToString(), "--brand", "123457", "--channel", "MESAJ", "05321234569");

        Assert.Equal(0, exit);
        Assert.Contains("DENIED_LINE_CLOSED", output, StringComparison.Ordinal);
        Assert.Contains("transaction tx-closed", output, StringComparison.Ordinal);
        Assert.Contains("line closed: 2024-05-01 00:00:00 (GMT+3)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_GateErrors_AreReportedWithTheirStatus()
    {
        await using var host = await GateHost.StartAsync(Consents.File);

        var (exit, _, error) = await RunAsync("check", "--address", host.Address.ToString(), "--brand", "0", "--channel", "MESAJ", "05321234567");

        Assert.Equal(1, exit);
        Assert.Contains("InvalidArgument: brand_code is required", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_Unreachable_IsUnavailable()
    {
        var (exit, _, error) = await RunAsync("check", "--address", "http://127.0.0.1:1", "--brand", "1", "--channel", "MESAJ", "05321234567");

        Assert.Equal(1, exit);
        Assert.Contains("Unavailable", error, StringComparison.Ordinal);
    }

    private static string Generate(int seed, long recipients = 200, bool examples = false)
    {
        using var writer = new StringWriter();
        ConsentFileGenerator.Generate(writer, brandCount: 3, recipients, seed, closureCount: recipients / 50, examples, CancellationToken.None);
        return writer.ToString();
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await SendGateCli.Root().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
