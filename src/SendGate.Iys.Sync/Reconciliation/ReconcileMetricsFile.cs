using System.Globalization;
using System.Text;

namespace SendGate.Iys.Sync.Reconciliation;

/// <summary>
/// The last reconciliation as Prometheus text for node_exporter's textfile collector (a batch job's metrics):
/// per brand, the day reconciled, tuples compared, disagreements, and when it ran. Replaced atomically.
/// </summary>
public static class ReconcileMetricsFile
{
    public static void Write(string path, IEnumerable<ReconcileReport> reports, DateTimeOffset ranAt)
    {
        var text = new StringBuilder();
        void Gauge(string name, string help, IEnumerable<(uint Brand, double Value)> values)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n");
            foreach (var (brand, value) in values)
            {
                text.Append(CultureInfo.InvariantCulture, $"{name}{{brand=\"{brand}\"}} {value}\n");
            }
        }

        var list = reports.ToList();
        Gauge("sendgate_iys_reconcile_tuples", "Tuples of the day's İYS change file compared with the gate", list.Select(r => (r.Brand, (double)r.Tuples)));
        Gauge("sendgate_iys_reconcile_disagreements", "Tuples whose gate answer disagrees with İYS's newest change of the day", list.Select(r => (r.Brand, (double)r.Disagreements.Count)));
        Gauge("sendgate_iys_reconcile_day_seconds", "Unix time of the start (GMT+3) of the İYS day reconciled", list.Select(r => (r.Brand, (double)new DateTimeOffset(r.Day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(3)).ToUnixTimeSeconds())));
        Gauge("sendgate_iys_reconcile_run_seconds", "Unix time the reconciliation ran", list.Select(r => (r.Brand, (double)ranAt.ToUnixTimeSeconds())));
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, text.ToString());
        File.Move(temporary, path, overwrite: true);
    }
}
