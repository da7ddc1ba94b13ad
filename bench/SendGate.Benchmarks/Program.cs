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

Footprint.Clear();
string[] rest = [.. args.Where(a => a != "--quick")];
BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(rest, BenchConfig.Create(quick));
