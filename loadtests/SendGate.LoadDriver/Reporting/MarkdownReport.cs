using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using SendGate.LoadDriver.Running;

namespace SendGate.LoadDriver.Reporting;

/// <summary>The run's report as Markdown: what was run and on what, the figures, the thresholds, and the chart beside it.</summary>
internal static class MarkdownReport
{
    public static string Render(RunSettings settings, LoadSummary summary, IReadOnlyList<Verdict> verdicts, string? churn, string chartFile)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(verdicts);
        var plan = settings.Plan;
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Load run: {settings.Scenario.Name}, {Describe(plan)}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- scenario: **{settings.Scenario.Name}** — {settings.Scenario.Description}; {settings.Batch:N0} recipients per request");
        md.AppendLine(CultureInfo.InvariantCulture, $"- target: {settings.Address} over {settings.Connections} HTTP/2 connection(s); deadline {settings.Deadline.TotalSeconds:0.###} s per call");
        md.AppendLine(CultureInfo.InvariantCulture, $"- phases: ramp {plan.Ramp.TotalSeconds:0.#} s, warm-up {plan.Warmup.TotalSeconds:0.#} s, measured {plan.Duration.TotalSeconds:0.#} s");
        md.AppendLine(CultureInfo.InvariantCulture, $"- driver machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30):N0} GiB, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- command: `sendgate-load {settings.CommandLine}`");
        md.AppendLine();
        md.AppendLine("| requests | recipients | requests/s | recipients/s | p50 | p90 | p99 | p99.9 | max | mean | errors |");
        md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {summary.Requests:N0} | {summary.Recipients:N0} | {summary.RequestsPerSecond:N0} | {summary.RecipientsPerSecond:N0} | {Ms(summary.P50Ms)} | {Ms(summary.P90Ms)} | {Ms(summary.P99Ms)} | {Ms(summary.P999Ms)} | {Ms(summary.MaxMs)} | {Ms(summary.MeanMs)} | {summary.Errors:N0} |");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Latency is {(plan.Model == LoadModel.Open ? "from each request's scheduled time (open model: corrected for coordinated omission)" : "from each request's send (closed model: the service time under this concurrency)")}; histogram resolution 1/64. Allowed: {summary.AllowedShare:P1} of the recipients answered.");
        if (summary.SendLagP99Ms is { } lag)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"The driver sent requests late against the schedule by {Ms(lag)} at p99 ({Ms(summary.SendLagMaxMs!.Value)} at most): latencies much larger than this are the gate's, not the driver's.");
        }

        md.AppendLine();
        if (summary.ErrorsByStatus.Count > 0 || summary.Mismatches > 0)
        {
            md.AppendLine("| error | count |");
            md.AppendLine("| --- | ---: |");
            foreach (var (status, count) in summary.ErrorsByStatus.OrderByDescending(e => e.Value))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {status} | {count:N0} |");
            }

            if (summary.Mismatches > 0)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| answered OK with a reason count ≠ recipients | {summary.Mismatches:N0} |");
            }

            md.AppendLine();
        }

        if (summary.MemoryStart is { } start)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"Gate memory (resident) over the measured phase: {Mib(start)} at the start, {Mib(summary.MemoryEnd!.Value)} at the end ({summary.MemoryGrowthMiB:+0.0;-0.0} MiB), {Mib(summary.MemoryMax!.Value)} at most.");
            md.AppendLine();
        }

        if (churn is not null)
        {
            md.AppendLine(churn);
            md.AppendLine();
        }

        if (verdicts.Count > 0)
        {
            md.AppendLine("| threshold | limit | actual | |");
            md.AppendLine("| --- | --- | --- | --- |");
            foreach (var verdict in verdicts)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {verdict.What} | {verdict.Limit} | {verdict.Actual} | {(verdict.Passed ? "pass" : "**FAIL**")} |");
            }

            md.AppendLine();
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"![latency]({chartFile})");
        return md.ToString();
    }

    public static string Describe(LoadPlan plan) => plan.Model == LoadModel.Open
        ? string.Create(CultureInfo.InvariantCulture, $"open model at {plan.Rate:N0} requests/s (≤ {plan.Concurrency} in flight)")
        : string.Create(CultureInfo.InvariantCulture, $"closed model, {plan.Concurrency} concurrent callers");

    private static string Ms(double ms) => ms >= 100 ? ms.ToString("N0", CultureInfo.InvariantCulture) + " ms" : ms.ToString("0.###", CultureInfo.InvariantCulture) + " ms";

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("N1", CultureInfo.InvariantCulture) + " MiB";
}

/// <summary>Everything a run was asked to do, for its report.</summary>
internal sealed record RunSettings(Scenarios.Scenario Scenario, LoadPlan Plan, Uri Address, int Connections, int Batch, TimeSpan Deadline, string CommandLine);
