namespace SendGate.Benchmarks.Infrastructure;

/// <summary>Data sizes for parameterised benchmarks: the full set, or the smallest in --quick mode.</summary>
internal static class BenchSizes
{
    public const string QuickVariable = "SENDGATE_BENCH_QUICK";

    public static bool Quick => Environment.GetEnvironmentVariable(QuickVariable) == "1";

    public static IEnumerable<long> Tuples => Quick ? [1_000_000] : [1_000_000, 10_000_000, 100_000_000];
}
