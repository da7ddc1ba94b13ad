using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SendGate.Benchmarks.Infrastructure;

/// <summary>
/// A figure a benchmark's setup measures, as a column of the summary: bytes per tuple of each
/// store, and a peer's rate through its own C client. Each benchmark process measures in its
/// setup and leaves the figure in a file; the host, which prints the summary, reads it back
/// (BenchmarkDotNet runs every case in a process of its own).
/// </summary>
internal sealed class SetupFigure(string id, string columnName, string legend) : IColumn
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "sendgate-bench-figures");

    /// <summary>Memory the store holds for the data set, per tuple.</summary>
    public static readonly SetupFigure Footprint = new("Footprint", "B/tuple", "Memory the store holds for the data set, per tuple (see bench/README: how each store is measured)");

    /// <summary>The same queries sent by redis-cli --pipe (C, one connection, all pipelined): the server's rate, not a .NET client's.</summary>
    public static readonly SetupFigure CClient = new("CClient", "C client op/s", "Redis and Garnet: the same queries through redis-cli --pipe, lookups per second (best of 3)");

    public string Id => id;

    public string ColumnName => columnName;

    public bool AlwaysShow => false;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    /// <summary>Called by the host before the run: figures from an earlier run must not show up in this one.</summary>
    public static void Clear()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    public void Record(string benchmark, long tuples, double value, string format)
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(FileOf(benchmark, tuples), value.ToString(format, CultureInfo.InvariantCulture));
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        if (benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Tuples")?.Value is not long tuples)
        {
            return "-";
        }

        string file = FileOf(benchmarkCase.Descriptor.WorkloadMethod.Name, tuples);
        return File.Exists(file) ? File.ReadAllText(file) : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    private string FileOf(string benchmark, long tuples) => Path.Combine(Root, string.Create(CultureInfo.InvariantCulture, $"{id}-{benchmark}-{tuples}.txt"));
}
