using System.Globalization;
using Prometheus;

namespace SendGate.Iys.Sync.Reconciliation;

/// <summary>
/// The last reconciliation as Prometheus text for node_exporter's textfile collector (a batch job's metrics):
/// per brand, the day reconciled, tuples compared, disagreements, whether the file's hash was İYS's, how many count
/// lines differ from İYS's summary, whether the agreement was recorded, and when it ran. Written by prometheus-net from a
/// registry of its own, then renamed into place so the collector never reads half a file.
/// </summary>
public static class ReconcileMetricsFile
{
    public static async Task WriteAsync(string path, IEnumerable<ReconcileReport> reports, IEnumerable<OfficialReport> officials, DateTimeOffset ranAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officials);
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

        var hashMatch = metrics.CreateGauge("sendgate_iys_reconcile_hash_match", "1 when the downloaded change file's hash equals İYS's hashValue, 0 when not (or not available)", "brand");
        var countsDiffer = metrics.CreateGauge("sendgate_iys_reconcile_count_disagreements", "Lines (type, recipient type, source) whose counts received by the connector differ from İYS's summary", "brand");
        var recorded = metrics.CreateGauge("sendgate_iys_reconcile_agreement_recorded", "1 when İYS confirmed the recorded agreement (agreementCaptured)", "brand");
        foreach (var official in officials)
        {
            string brand = official.Brand.BrandCode.ToString(CultureInfo.InvariantCulture);
            hashMatch.WithLabels(brand).Set(official.Hash.Verdict == HashVerdict.Match ? 1 : 0);
            countsDiffer.WithLabels(brand).Set(official.Counts.Lines.Count(line => !line.Agrees));
            recorded.WithLabels(brand).Set(official.AgreementCaptured == true ? 1 : 0);
        }

        string temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await registry.CollectAndExportAsTextAsync(stream, cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
