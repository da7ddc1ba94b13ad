using SendGate.Contracts.V1;
using SendGate.LoadDriver.Measuring;
using SendGate.Tests.Support;

namespace SendGate.Server.Tests;

/// <summary>
/// /metrics passes Prometheus's own linter (promtool, from Debian's prometheus package, installed
/// by eng/install-test-deps.sh): no <c>*_count</c> gauge that Prometheus would take for a
/// histogram's count, counters end in <c>_total</c>, every family has HELP and TYPE.
/// </summary>
public sealed class MetricsExpositionTests(GateServerFixture fixture) : IClassFixture<GateServerFixture>
{
    [Fact]
    public async Task Metrics_PassPromtool()
    {
        await fixture.Host.Gate.CheckAsync(GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567"]));
        using var http = new HttpClient { BaseAddress = fixture.Host.Admin };
        string file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

            var (exit, output) = await ExternalProgram.RunAsync("sh",
                ["-c", "command -v promtool >/dev/null || { echo 'promtool is not installed: run eng/install-test-deps.sh'; exit 127; }; promtool check metrics < \"$0\"", file]);

            Assert.True(exit == 0, $"promtool (exit {exit}):\n{output}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// Two gates in one process (as in these tests) export their own measurements each:
    /// OpenTelemetry selects meters by name process-wide, and merged streams ended when one gate stopped.
    /// </summary>
    [Fact]
    public async Task TwoGatesInOneProcess_EachExportsItsOwnCalls()
    {
        await using var first = await GateHost.StartAsync(Consents.File);
        await using var second = await GateHost.StartAsync(Consents.File);
        using var firstAdmin = new HttpClient { BaseAddress = first.Admin };
        using var secondAdmin = new HttpClient { BaseAddress = second.Admin };

        for (int i = 0; i < 3; i++)
        {
            await first.Gate.CheckAsync(GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567"]));
        }

        await second.Gate.CheckAsync(GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567"]));

        Assert.Equal(3, PrometheusText.Sum(await firstAdmin.GetStringAsync(new Uri("/metrics", UriKind.Relative)), "sendgate_check_requests_total"));
        Assert.Equal(1, PrometheusText.Sum(await secondAdmin.GetStringAsync(new Uri("/metrics", UriKind.Relative)), "sendgate_check_requests_total"));
    }

    /// <summary>With Telemetry:OtlpEndpoint set, the same metrics are pushed to an OpenTelemetry collector (here: OTLP over HTTP, protobuf).</summary>
    [Fact]
    public async Task OtlpEndpoint_ReceivesTheGatesMetrics()
    {
        int port = GateHost.FreePort();
        using var collector = new System.Net.HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        await using var host = await GateHost.StartAsync(Consents.File, new()
        {
            ["Telemetry:OtlpEndpoint"] = $"http://127.0.0.1:{port}/v1/metrics",
            ["Telemetry:OtlpProtocol"] = "HttpProtobuf",
            ["Telemetry:OtlpInterval"] = "00:00:00.200",
        });
        await host.Gate.CheckAsync(GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567"]));

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string path, type;
        byte[] body;
        do
        {
            var context = await collector.GetContextAsync().WaitAsync(patience.Token);
            (path, type) = (context.Request.Url!.AbsolutePath, context.Request.ContentType ?? "");
            using var read = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(read, patience.Token);
            body = read.ToArray();
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
        while (!System.Text.Encoding.UTF8.GetString(body).Contains("sendgate.check.requests", StringComparison.Ordinal));

        Assert.Equal("/v1/metrics", path);
        Assert.Equal("application/x-protobuf", type);
    }
}
