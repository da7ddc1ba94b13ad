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
}
