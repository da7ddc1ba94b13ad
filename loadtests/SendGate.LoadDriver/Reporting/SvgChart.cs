using System.Globalization;
using System.Text;
using SendGate.LoadDriver.Measuring;

namespace SendGate.LoadDriver.Reporting;

/// <summary>
/// The run's latency as one SVG (no dependencies, viewable in any browser or on GitHub): on top
/// the percentile spectrum (latency against percentile on a log scale, as HdrHistogram plots it,
/// so the tail is as visible as the median); below, p50, p99 and max per second of the run.
/// </summary>
internal static class SvgChart
{
    private const int Width = 900;
    private const int PanelHeight = 300;
    private const int Left = 70;
    private const int Right = 20;
    private const int Top = 64;
    private const int Gap = 70;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c"];
    private static readonly int[] NiceSteps = [1, 2, 5, 10];

    public static string Render(string title, LatencyHistogram latency, IEnumerable<(int Second, long Calls, long Errors, LatencyHistogram Latency)> timeline)
    {
        ArgumentNullException.ThrowIfNull(latency);
        var svg = new StringBuilder();
        int height = Top + (2 * PanelHeight) + Gap + 50;
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{height}" font-family="sans-serif" font-size="12">""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<rect width="{Width}" height="{height}" fill="white"/><text x="{Left}" y="22" font-size="15" font-weight="bold">{Escape(title)}</text>""").Append('\n');

        // Percentile spectrum: x = log10(1 / (1 − q)), from q = 0 to 99.99 %.
        double[] quantiles = [.. Enumerable.Range(0, 401).Select(i => 1 - Math.Pow(10, -4.0 * i / 400))];
        var spectrum = quantiles.Select(q => (X: Math.Log10(1 / (1 - Math.Min(q, 0.9999))), Y: latency.ValueAtQuantile(q) / 1e6)).ToList();
        Panel(svg, Top, "latency by percentile (ms)", 4, spectrum.Max(p => p.Y),
            [("latency", spectrum)],
            [(0, "0%"), (1, "90%"), (2, "99%"), (3, "99.9%"), (4, "99.99%")]);

        // Timeline: per-second p50, p99, max.
        var seconds = timeline.ToList();
        double last = Math.Max(1, seconds.Count == 0 ? 1 : seconds[^1].Second + 1);
        var series = new List<(string, List<(double X, double Y)>)>
        {
            ("p50", [.. seconds.Select(s => ((double)s.Second, s.Latency.ValueAtQuantile(0.5) / 1e6))]),
            ("p99", [.. seconds.Select(s => ((double)s.Second, s.Latency.ValueAtQuantile(0.99) / 1e6))]),
            ("max", [.. seconds.Select(s => ((double)s.Second, s.Latency.Max / 1e6))]),
        };
        var ticks = Enumerable.Range(0, 6).Select(i => (last * i / 5, (last * i / 5).ToString("0", CultureInfo.InvariantCulture) + " s")).ToList();
        Panel(svg, Top + PanelHeight + Gap, "latency per second of the run (ms)", last, series.SelectMany(s => s.Item2).DefaultIfEmpty((0, 1)).Max(p => p.Y), series, ticks);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, int top, string label, double xMax, double yMax, List<(string Name, List<(double X, double Y)> Points)> series, IEnumerable<(double At, string Label)> xTicks)
    {
        int plotWidth = Width - Left - Right;
        yMax = NiceCeiling(Math.Max(yMax, 0.001));
        double Px(double x) => Left + (x / xMax * plotWidth);
        double Py(double y) => top + PanelHeight - (y / yMax * PanelHeight);
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left}" y="{top - 8}" font-weight="bold">{Escape(label)}</text>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{Left}" y="{top}" width="{plotWidth}" height="{PanelHeight}" fill="none" stroke="#999"/>""").Append('\n');
        for (int i = 0; i <= 5; i++)
        {
            double y = yMax * i / 5;
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Left}" x2="{Left + plotWidth}" y1="{Py(y):F1}" y2="{Py(y):F1}" stroke="#eee"/><text x="{Left - 6}" y="{Py(y) + 4:F1}" text-anchor="end">{y.ToString("0.###", CultureInfo.InvariantCulture)}</text>""").Append('\n');
        }

        foreach (var (at, text) in xTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Px(at):F1}" x2="{Px(at):F1}" y1="{top}" y2="{top + PanelHeight}" stroke="#eee"/><text x="{Px(at):F1}" y="{top + PanelHeight + 16}" text-anchor="middle">{Escape(text)}</text>""").Append('\n');
        }

        for (int s = 0; s < series.Count; s++)
        {
            var (name, points) = series[s];
            string color = Colors[s % Colors.Length];
            string path = string.Join(' ', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{Px(p.X):F1},{Py(p.Y):F1}")));
            svg.Append(CultureInfo.InvariantCulture, $"""<polyline fill="none" stroke="{color}" stroke-width="1.6" points="{path}"/>""").Append('\n');
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left + 10 + (s * 80)}" y="{top + 16}" fill="{color}">■ {Escape(name)}</text>""").Append('\n');
        }
    }

    /// <summary>1, 2 or 5 times a power of ten, at or above the value: round axis ends.</summary>
    private static double NiceCeiling(double value)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return NiceSteps.Select(m => m * power).First(candidate => candidate >= value);
    }

    private static string Escape(string text) => System.Security.SecurityElement.Escape(text) ?? string.Empty;
}
