using System.CommandLine;
using System.Xml.Linq;
using SendGate.Contracts.V1;
using SendGate.LoadDriver.Measuring;
using SendGate.Synthetic;
using SendGate.Tests.Support;

namespace SendGate.LoadDriver.Tests;

/// <summary>The driver against the real gate over loopback: a short run of each unary and streaming scenario, its report, its thresholds.</summary>
[Collection(MeasuredTime.Name)]
public sealed class LoadDriverEndToEndTests : IAsyncLifetime
{
    private GateHost _gate = null!;
    private readonly string _out = Directory.CreateTempSubdirectory("sendgate-load-").FullName;

    public async Task InitializeAsync()
    {
        // A generated data set: brand 123457 holds consents for part of the first 2,000 recipients the driver draws from.
        using var writer = new StringWriter();
        ConsentFileGenerator.Generate(writer, brandCount: 1, recipientCount: 2_000, seed: 3, closureCount: 0, examples: false, CancellationToken.None);
        _gate = await GateHost.StartAsync(writer.ToString());
    }

    public async Task DisposeAsync()
    {
        await _gate.DisposeAsync();
        Directory.Delete(_out, recursive: true);
    }

    [Theory]
    [InlineData("sms-gateway", "closed")]
    [InlineData("mta-list", "closed")]
    [InlineData("pre-hashed", "open")]
    public async Task ShortRun_AnswersEveryRecipient_AndWritesTheReport(string scenario, string model)
    {
        var (exit, output, error) = await RunAsync(
            "--address", _gate.Address.ToString(), "--admin", _gate.Admin.ToString(), "--scenario", scenario, "--model", model, "--rate", "50",
            "--concurrency", "4", "--batch", "200", "--population", "2000", "--warmup", "0.5", "--duration", "2", "--hashing-key", GateHost.KeyBase64,
            "--out", _out, "--max-errors", "0", "--quiet");

        Assert.True(exit == 0, $"exit {exit}: {error}{output}");
        string report = await File.ReadAllTextAsync(Path.Combine(_out, "report.md"));
        Assert.Contains($"# Load run: {scenario}", report, StringComparison.Ordinal);
        Assert.Matches(@"\| errors \| ≤ 0 \| 0 \| pass \|", report);
        Assert.Contains("Gate memory (resident)", report, StringComparison.Ordinal);
        var row = report.Split('\n').First(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\| [\d,]+ \| [\d,]+ \|"));
        var cells = row.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        long requests = long.Parse(cells[0].Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        long recipients = long.Parse(cells[1].Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(requests > 0);
        Assert.Equal(requests * 200, recipients);

        // Part of the drawn recipients hold consent in the generated data (pre-hashed only when hashed with the gate's key).
        Assert.DoesNotMatch(@"Allowed: 0[.,]0 %", report);
        var svg = XDocument.Load(Path.Combine(_out, "latency.svg"));
        Assert.Equal(4, svg.Root!.Elements().Count(e => e.Name.LocalName == "polyline"));
    }

    [Fact]
    public async Task MissedThreshold_FailsTheRun_AndSaysWhich()
    {
        var (exit, output, _) = await RunAsync(
            "--address", _gate.Address.ToString(), "--scenario", "sms-gateway", "--warmup", "0", "--duration", "1", "--concurrency", "2",
            "--out", _out, "--max-p99", "0.000001", "--quiet");

        Assert.Equal(1, exit);
        Assert.Matches(@"\| p99 latency \| ≤ 0 ms \| [\d.]+ ms \| \*\*FAIL\*\* \|", output);
    }

    [Fact]
    public async Task NoGate_IsReportedPlainly()
    {
        var (exit, _, error) = await RunAsync("--address", "http://127.0.0.1:1", "--duration", "1", "--out", _out, "--quiet");

        Assert.Equal(2, exit);
        Assert.Contains("did not answer", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frame_WritesOneFramedCheckRequest()
    {
        string file = Path.Combine(_out, "body.bin");
        var (exit, _, error) = await RunAsync("frame", "--scenario", "pre-hashed", "--hashing-key", GateHost.KeyBase64, "--out", file);

        Assert.True(exit == 0, error);
        byte[] framed = await File.ReadAllBytesAsync(file);
        Assert.Equal(0, framed[0]);
        Assert.Equal(framed.Length - 5, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(framed.AsSpan(1)));
        var request = CheckRequest.Parser.ParseFrom(framed.AsSpan(5));
        Assert.Equal(1_000, request.RecipientKeys.Count);
        Assert.Equal(GateHost.Hasher.KeyId, request.KeyId);
        Assert.All(request.RecipientKeys, key => Assert.Equal(16, key.Length));
    }

    [Fact]
    public void Metrics_AreReadFromPrometheusText_WithOrWithoutLabels()
    {
        const string Text = """
            # TYPE sendgate_process_working_set_bytes gauge
            sendgate_process_working_set_bytes_total 1
            sendgate_process_working_set_bytes{otel_scope_name="SendGate"} 123456789
            sendgate_access_refused_total{otel_scope_name="SendGate",client="a \"b\", c",reason="rate_limited"} 2 1700000000000
            sendgate_access_refused_total{otel_scope_name="SendGate",client="d",reason="rate_limited"} 3
            sendgate_index_tuples 7
            """;

        Assert.Equal(123456789d, PrometheusText.Sum(Text, "sendgate_process_working_set_bytes"));
        Assert.Null(PrometheusText.Sum(Text, "sendgate_process_gc_heap_bytes"));
        Assert.Equal(5d, PrometheusText.Sum(Text, "sendgate_access_refused_total", ("reason", "rate_limited")));
        Assert.Equal(2d, PrometheusText.Sum(Text, "sendgate_access_refused_total", ("client", "a \"b\", c")));
        Assert.Null(PrometheusText.Sum(Text, "sendgate_access_refused_total", ("client", "e")));
        Assert.Equal(7d, PrometheusText.Sum(Text, "sendgate_index_tuples"));
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await LoadDriverCli.Root().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
