using System.Globalization;
using Prometheus;

namespace SendGate.Iys.Sync.Reconciliation;

/// <summary>
/// The last reconciliation as Prometheus text for node_exporter's textfile collector (a batch job's metrics):
/// per brand, the day reconciled, tuples compared, disagreements, and when it ran. Written by prometheus-net from a
/// registry of its own, then renamed into place so the collector never reads half a file.
/// </summary>
public static class ReconcileMetricsFile
{
    public static async Task WriteAsync(string path, IEnumerable<ReconcileReport> reports, DateTimeOffset ranAt, CancellationToken cancellationToken)
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = Metrics.WithCustomRegistry(registry);
        var tuples = metrics.CreateGauge("sendgate_iys_reconcile_tuples", "Tuples of the day's İYS change file compared with the gate", "brand");
        var disagreements = metrics.CreateGauge("sendgate_iys_reconcile_disagreements", "Tuples whose gate answer disagrees with İYS's newest change of the day", "brand");
        var day = metrics.CreateGauge("sendgate_iys_reconcile_day_seconds", "Unix time of the start (GMT+3) of the İYS day reconciled", "brand");
        var run = metrics.CreateGauge("sendgate_iys_reconcile_run_seconds", "Unix time the reconciliation ran", "brand");
        foreach (var report in reports)
        {
            string brand = report.Brand.ToString(CultureInfo.InvariantCulture);
            tuples.WithLabels(brand).Set(report.Tuples);
            disagreements.WithLabels(brand).Set(report.Disagreements.Count);
            day.WithLabels(brand).Set(new DateTimeOffset(report.Day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(3)).ToUnixTimeSeconds());
            run.WithLabels(brand).Set(ranAt.ToUnixTimeSeconds());
        }

        string temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await registry.CollectAndExportAsTextAsync(stream, cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
