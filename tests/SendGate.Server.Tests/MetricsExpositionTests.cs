using SendGate.Contracts.V1;
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
}
