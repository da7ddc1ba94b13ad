using System.Globalization;

namespace SendGate.LoadDriver.Measuring;

/// <summary>
/// Samples read out of Prometheus text exposition (the gate's /metrics): a metric's value is
/// the sum of its samples whose labels include the ones asked for, so that labels the exporter
/// adds (OpenTelemetry's <c>otel_scope_name</c>) or a future label do not hide a series.
/// </summary>
internal static class PrometheusText
{
    /// <summary>The sum of the samples of <paramref name="name"/> carrying every label given; null when none does.</summary>
    public static double? Sum(string exposition, string name, params (string Label, string Value)[] labels)
    {
        double? sum = null;
        foreach (var line in exposition.AsSpan().EnumerateLines())
        {
            if (line.IsEmpty || line[0] == '#' || !line.StartsWith(name) || line.Length == name.Length || line[name.Length] is not ('{' or ' '))
            {
                continue;
            }

            var rest = line[name.Length..];
            var found = new Dictionary<string, string>(StringComparer.Ordinal);
            if (rest[0] == '{' && !TryReadLabels(ref rest, found))
            {
                continue;
            }

            var value = rest.Trim();
            int space = value.IndexOf(' ');
            if (space >= 0)
            {
                value = value[..space]; // a timestamp follows
            }

            if (labels.All(l => found.TryGetValue(l.Label, out string? v) && v == l.Value) &&
                double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double sample))
            {
                sum = (sum ?? 0) + sample;
            }
        }

        return sum;
    }

    /// <summary>Reads <c>{a="x",b="y"}</c> (with \" \\ \n escapes), leaving what follows the brace.</summary>
    private static bool TryReadLabels(ref ReadOnlySpan<char> text, Dictionary<string, string> labels)
    {
        int i = 1;
        while (i < text.Length && text[i] != '}')
        {
            int equals = text[i..].IndexOf('=');
            if (equals < 0 || i + equals + 1 >= text.Length || text[i + equals + 1] != '"')
            {
                return false;
            }

            string label = text.Slice(i, equals).Trim().ToString();
            i += equals + 2;
            var value = new System.Text.StringBuilder();
            for (; i < text.Length && text[i] != '"'; i++)
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                {
                    i++;
                    value.Append(text[i] == 'n' ? '\n' : text[i]);
                }
                else
                {
                    value.Append(text[i]);
                }
            }

            labels[label] = value.ToString();
            i++; // the closing quote
            if (i < text.Length && text[i] == ',')
            {
                i++;
            }
        }

        if (i >= text.Length)
        {
            return false;
        }

        text = text[(i + 1)..];
        return true;
    }
}
