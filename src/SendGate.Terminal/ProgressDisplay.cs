using System.Globalization;
using Spectre.Console;

namespace SendGate.Terminal;

/// <summary>Where long work stands: the fraction done (NaN when unknown) and a line of counts.</summary>
public readonly record struct ProgressSample(double Fraction, string Status);

/// <summary>
/// Progress of long work (a publish, a load run), sampled from the work's own counters. On a
/// terminal it is a Spectre.Console progress bar, redrawn in place; when the output is a file or
/// a pipe (CI logs) it degrades to one plain line every <c>plainInterval</c> and a last line at the
/// end, so that logs stay readable. Disposing stops it after drawing the final state.
/// </summary>
public sealed class ProgressDisplay : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _drawing;
    private int _disposed;

    private ProgressDisplay(string description, TextWriter writer, Func<ProgressSample> sample, TimeSpan plainInterval) =>
        _drawing = IsTerminal(writer)
            ? Task.Run(() => DrawBarAsync(description, writer, sample))
            : Task.Run(() => WriteLinesAsync(description, writer, sample, plainInterval));

    /// <param name="description">What is going on, e.g. "publishing consents.jsonl".</param>
    /// <param name="writer">Where progress goes (the tools use standard error, keeping standard output for results).</param>
    /// <param name="sample">Called from the display's own task: must be thread-safe and cheap.</param>
    /// <param name="plainInterval">How often a plain line is written when <paramref name="writer"/> is not a terminal.</param>
    public static ProgressDisplay Start(string description, TextWriter writer, Func<ProgressSample> sample, TimeSpan plainInterval)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(sample);
        return new ProgressDisplay(description, writer, sample, plainInterval);
    }

    /// <summary>Draws the final state and stops; a second call does nothing (a caller may end it early, before its summary).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _drawing.ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>A terminal: standard error or output, not redirected, and not a dumb one.</summary>
    internal static bool IsTerminal(TextWriter writer) =>
        Environment.GetEnvironmentVariable("TERM") is not "dumb" &&
        ((ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected) || (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected));

    /// <summary>The plain form: "description: 47% status", one line per interval and a final one.</summary>
    internal static string Line(string description, ProgressSample sample) =>
        double.IsNaN(sample.Fraction)
            ? $"{description}: {sample.Status}"
            : string.Create(CultureInfo.InvariantCulture, $"{description}: {Math.Clamp(sample.Fraction, 0, 1) * 100:0}% {sample.Status}");

    private CancellationToken Stopping => _stop.Token;

    private async Task DrawBarAsync(string description, TextWriter writer, Func<ProgressSample> sample)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: 1);
                while (true)
                {
                    var now = sample();
                    task.IsIndeterminate = double.IsNaN(now.Fraction);
                    task.Value = double.IsNaN(now.Fraction) ? 0 : Math.Clamp(now.Fraction, 0, 1);
                    task.Description = Markup.Escape($"{description}  {now.Status}");
                    if (Stopping.IsCancellationRequested)
                    {
                        break;
                    }

                    try
                    {
                        await Task.Delay(200, Stopping).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // one last sample above, then stop
                    }
                }

                task.StopTask();
            }).ConfigureAwait(false);
    }

    private async Task WriteLinesAsync(string description, TextWriter writer, Func<ProgressSample> sample, TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(Stopping).ConfigureAwait(false))
            {
                await writer.WriteLineAsync(Line(description, sample())).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // stopped: the final line below
        }

        await writer.WriteLineAsync(Line(description, sample())).ConfigureAwait(false);
    }
}

/// <summary>The newest value work reported, read by a <see cref="ProgressDisplay"/> sample (reports arrive on the worker's thread, no hop).</summary>
public sealed class LatestValue : IProgress<long>
{
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    public void Report(long value) => Interlocked.Exchange(ref _value, value);
}
