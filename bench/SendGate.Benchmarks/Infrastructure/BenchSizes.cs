namespace SendGate.Benchmarks.Infrastructure;

/// <summary>Data sizes for parameterised benchmarks: the full set, or the smallest in --quick mode.</summary>
internal static class BenchSizes
{
    public const string QuickVariable = "SENDGATE_BENCH_QUICK";

    /// <summary>Queries per lookup invocation: 2^20 (1,049 batches of 1,000) in full runs.</summary>
    public const int QueriesPerInvoke = 1 << 20;

    public static bool Quick => Environment.GetEnvironmentVariable(QuickVariable) == "1";

    /// <summary>Tuple counts; SENDGATE_BENCH_TUPLES (comma-separated) overrides, e.g. to run 10^8 alone.</summary>
    public static IEnumerable<long> Tuples =>
        Environment.GetEnvironmentVariable("SENDGATE_BENCH_TUPLES") is { Length: > 0 } list
            ? [.. list.Split(',').Select(t => (long)double.Parse(t, System.Globalization.CultureInfo.InvariantCulture))]
            : Quick ? [1_000_000] : [1_000_000, 10_000_000, 100_000_000];
}
