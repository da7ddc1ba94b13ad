using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace SendGate.Server.Observability;

/// <summary>
/// Prometheus text exposition (version 0.0.4) of the instruments of chosen meters, for the admin
/// port's /metrics. Counters and up-down counters are summed, histograms bucketed (log-spaced
/// bounds), observable instruments read at scrape time. Measurements with no or one tag are
/// aggregated without allocating; more tags cost a key string.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] SecondsBounds = [0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] CountBounds = [1, 10, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000, 1_000_000];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Tags), Series> _series = new();
    private readonly Lock _scrape = new();

    public PrometheusExporter(IReadOnlyCollection<string> meterNames)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (meterNames.Contains(instrument.Meter.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
    }

    /// <summary>The exposition text.</summary>
    public string Scrape()
    {
        lock (_scrape)
        {
            // Observable instruments report their current values into the gauges' series now.
            _listener.RecordObservableInstruments();
            var text = new StringBuilder(4096);
            foreach (var group in _series.GroupBy(s => s.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
            {
                Write(text, group.Key, group.Select(s => (s.Key.Tags, s.Value)).OrderBy(s => s.Tags, StringComparer.Ordinal));
            }

            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private static string MetricName(Instrument instrument)
    {
        string name = instrument.Name.Replace('.', '_').Replace('-', '_');
        string suffix = instrument.Unit switch
        {
            "s" => "_seconds",
            "By" => "_bytes",
            _ => string.Empty,
        };
        return name.EndsWith(suffix, StringComparison.Ordinal) ? name : name + suffix;
    }

    private static string Kind(Instrument instrument) => instrument switch
    {
        Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => "counter",
        Histogram<long> or Histogram<int> or Histogram<double> => "histogram",
        _ => "gauge",
    };

    private static void Write(StringBuilder text, Instrument instrument, IEnumerable<(string Tags, Series Series)> series)
    {
        string name = MetricName(instrument);
        string kind = Kind(instrument);
        string exposed = kind == "counter" ? name + "_total" : name;
        text.Append("# HELP ").Append(exposed).Append(' ').Append(instrument.Description ?? instrument.Name).Append('\n');
        text.Append("# TYPE ").Append(exposed).Append(' ').Append(kind).Append('\n');
        foreach (var (tags, s) in series)
        {
            if (kind == "histogram")
            {
                long cumulative = 0;
                for (int b = 0; b < s.Bounds!.Length; b++)
                {
                    cumulative += Interlocked.Read(ref s.Buckets![b]);
                    Sample(text, name + "_bucket", Join(tags, "le=\"" + Number(s.Bounds[b]) + "\""), cumulative);
                }

                cumulative += Interlocked.Read(ref s.Buckets![^1]);
                Sample(text, name + "_bucket", Join(tags, "le=\"+Inf\""), cumulative);
                Sample(text, name + "_sum", tags, s.Sum);
                Sample(text, name + "_count", tags, cumulative);
            }
            else
            {
                Sample(text, exposed, tags, s.Sum);
            }
        }
    }

    private static void Sample(StringBuilder text, string name, string tags, double value)
    {
        text.Append(name);
        if (tags.Length > 0)
        {
            text.Append('{').Append(tags).Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static string Join(string tags, string extra) => tags.Length == 0 ? extra : tags + "," + extra;

    private static string Number(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("G17", CultureInfo.InvariantCulture);

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string key = tags.Length switch
        {
            0 => string.Empty,
            1 => TagCache.Get(tags[0]),
            _ => string.Join(",", tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => Label(t.Key, t.Value))),
        };
        var series = _series.GetOrAdd((instrument, key), static k => new Series(k.Instrument));
        series.Add(value);
    }

    private static string Label(string key, object? value) =>
        key.Replace('.', '_') + "=\"" + Convert.ToString(value, CultureInfo.InvariantCulture)?.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>Label text for single tags, built once per (key, value).</summary>
    private static class TagCache
    {
        private static readonly ConcurrentDictionary<(string, object?), string> Labels = new();

        public static string Get(KeyValuePair<string, object?> tag) =>
            Labels.GetOrAdd((tag.Key, tag.Value), static t => Label(t.Item1, t.Item2));
    }

    /// <summary>One time series: a sum (or last value, for gauges and observable instruments) and, for histograms, bucket counts.</summary>
    private sealed class Series
    {
        private readonly bool _gauge;
        private double _sum;

        public Series(Instrument instrument)
        {
            string kind = Kind(instrument);

            // Observable instruments report their current value (an observable counter its running
            // total), so the last report is the series' value; synchronous ones report increments.
            _gauge = instrument.IsObservable
                || (kind == "gauge" && instrument is not UpDownCounter<long> and not UpDownCounter<int> and not UpDownCounter<double>);
            if (kind == "histogram")
            {
                Bounds = instrument.Unit == "s" ? SecondsBounds : CountBounds;
                Buckets = new long[Bounds.Length + 1];
            }
        }

        public double[]? Bounds { get; }

        public long[]? Buckets { get; }

        public double Sum => Volatile.Read(ref _sum);

        public void Add(double value)
        {
            if (_gauge)
            {
                Volatile.Write(ref _sum, value);
                return;
            }

            double current;
            do
            {
                current = Volatile.Read(ref _sum);
            }
            while (Interlocked.CompareExchange(ref _sum, current + value, current) != current);

            if (Buckets is not null)
            {
                int bucket = Array.BinarySearch(Bounds!, value);
                Interlocked.Increment(ref Buckets[bucket < 0 ? ~bucket : bucket]);
            }
        }
    }
}
