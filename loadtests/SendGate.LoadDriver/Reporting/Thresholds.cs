using System.Globalization;

namespace SendGate.LoadDriver.Reporting;

/// <summary>Pass/fail limits from the command line; only those given are checked.</summary>
internal sealed record Thresholds(double? MaxP99Ms, double? MaxP999Ms, double? MinRecipientsPerSecond, long? MaxErrors, double? MaxMemoryGrowthMiB)
{
    public IReadOnlyList<Verdict> Evaluate(LoadSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var verdicts = new List<Verdict>();
        if (MaxP99Ms is { } p99)
        {
            verdicts.Add(AtMost("p99 latency", summary.P99Ms, p99, "ms"));
        }

        if (MaxP999Ms is { } p999)
        {
            verdicts.Add(AtMost("p99.9 latency", summary.P999Ms, p999, "ms"));
        }

        if (MinRecipientsPerSecond is { } minimum)
        {
            double actual = summary.RecipientsPerSecond;
            verdicts.Add(new Verdict("recipients/s", $"≥ {Format(minimum)}", Format(actual), actual >= minimum));
        }

        if (MaxErrors is { } errors)
        {
            verdicts.Add(new Verdict("errors", $"≤ {errors}", summary.Errors.ToString(CultureInfo.InvariantCulture), summary.Errors <= errors));
        }

        if (MaxMemoryGrowthMiB is { } growth)
        {
            verdicts.Add(summary.MemoryGrowthMiB is { } actual
                ? AtMost("server memory growth", actual, growth, "MiB")
                : new Verdict("server memory growth", $"≤ {Format(growth)} MiB", "not measured (give --admin)", false));
        }

        return verdicts;
    }

    private static Verdict AtMost(string what, double actual, double limit, string unit) =>
        new(what, $"≤ {Format(limit)} {unit}", $"{Format(actual)} {unit}", actual <= limit);

    internal static string Format(double value) => value.ToString(value >= 100 ? "N0" : "0.###", CultureInfo.InvariantCulture);
}

/// <summary>One threshold's outcome.</summary>
internal sealed record Verdict(string What, string Limit, string Actual, bool Passed);
