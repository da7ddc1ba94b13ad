using SendGate.Terminal;

namespace SendGate.Cli.Tests;

/// <summary>Progress where the output is not a terminal (a log, a pipe, a test): plain lines, no redrawing.</summary>
public sealed class ProgressDisplayTests
{
    [Fact]
    public async Task NotATerminal_EndsWithOnePlainLine_OfTheFinalState()
    {
        var writer = new StringWriter();
        double fraction = 0.1;

        await using (ProgressDisplay.Start("publishing x.jsonl", writer, () => new ProgressSample(fraction, "3 lines"), TimeSpan.FromHours(1)))
        {
            fraction = 0.5;
        }

        Assert.Equal("publishing x.jsonl: 50% 3 lines" + Environment.NewLine, writer.ToString());
    }

    [Fact]
    public async Task NotATerminal_WritesALinePerInterval_WithoutCarriageReturns()
    {
        var writer = new StringWriter();
        int samples = 0;

        await using (ProgressDisplay.Start("run", writer, () => new ProgressSample(double.NaN, $"sample {Interlocked.Increment(ref samples)}"), TimeSpan.FromMilliseconds(10)))
        {
            while (Volatile.Read(ref samples) < 3)
            {
                await Task.Delay(5);
            }
        }

        string[] lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 3, writer.ToString());
        Assert.All(lines, line => Assert.Matches(@"^run: sample \d+$", line));
        Assert.DoesNotContain('\r', writer.ToString().Replace(Environment.NewLine, "\n", StringComparison.Ordinal));
    }
}
