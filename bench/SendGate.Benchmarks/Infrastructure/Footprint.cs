using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SendGate.Benchmarks.Infrastructure;

/// <summary>
/// Bytes per tuple of each store, as a column of the summary. Each benchmark process measures
/// its store in its setup and leaves the figure in a file; the host, which prints the summary,
/// reads it back (BenchmarkDotNet runs every case in a process of its own).
/// </summary>
internal sealed class Footprint : IColumn
{
    private static readonly string Directory = Path.Combine(Path.GetTempPath(), "sendgate-bench-footprint");

    public string Id => nameof(Footprint);

    public string ColumnName => "B/tuple";

    public bool AlwaysShow => false;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Memory the store holds for the data set, per tuple (see bench/README: how each store is measured)";

    /// <summary>Called by the host before the run: figures from an earlier run must not show up in this one.</summary>
    public static void Clear()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    public static void Record(string benchmark, long tuples, long bytes)
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(FileOf(benchmark, tuples), ((double)bytes / tuples).ToString("F1", CultureInfo.InvariantCulture));
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

    private static string FileOf(string benchmark, long tuples) => Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"{benchmark}-{tuples}.txt"));
}
