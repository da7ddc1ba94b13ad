using BenchmarkDotNet.Running;
using SendGate.Benchmarks.Infrastructure;

// dotnet run -c Release --project bench/SendGate.Benchmarks -- --filter '*'            full run
// dotnet run -c Release --project bench/SendGate.Benchmarks -- --quick --filter '*'    CI smoke (in-process, seconds)
bool quick = args.Contains("--quick");
if (quick)
{
    // Read by parameter sources (BenchSizes) in this process and in any child process.
    Environment.SetEnvironmentVariable(BenchSizes.QuickVariable, "1");
}

SetupFigure.Clear();
string[] rest = [.. args.Where(a => a != "--quick")];
var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(rest, BenchConfig.Create(quick)).ToArray();

// A benchmark whose setup threw still "runs" and BenchmarkDotNet exits 0: fail loudly instead, or CI's smoke run proves nothing.
var failed = summaries.SelectMany(s => s.Reports).Where(r => !r.Success).Select(r => r.BenchmarkCase.DisplayInfo).ToArray();
if (failed.Length > 0 || summaries.Any(s => s.HasCriticalValidationErrors) || (rest.Length > 0 && summaries.Sum(s => s.Reports.Length) == 0))
{
    Console.Error.WriteLine($"benchmarks failed: {(failed.Length > 0 ? string.Join(", ", failed) : "none ran")}");
    return 1;
}

return 0;
