using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SendGate.Benchmarks.Infrastructure;

/// <summary>The one configuration every benchmark runs under: allocations, ops/s, bytes per tuple, a peer's rate through its C client, ratios to each class's own baseline (one summary table per class).</summary>
internal static class BenchConfig
{
    public static IConfig Create(bool quick)
    {
        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.OperationsPerSecond)
            .AddColumn(SetupFigure.Footprint)
            .AddColumn(SetupFigure.CClient);
        // Quick: in-process, few iterations — proves the suite runs; its numbers are indicative only.
        return quick
            ? config.AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(1).WithIterationCount(3).WithInvocationCount(4).WithUnrollFactor(1))
            : config.AddJob(Job.Default);
    }
}
