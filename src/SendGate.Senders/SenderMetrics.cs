using System.Diagnostics.Metrics;
using Grpc.Core;

namespace SendGate.Senders;

/// <summary>
/// Meter <c>SendGate.Senders</c>: how an adapter uses its gate — batch sizes (the micro-batching's effect), Check
/// durations, and Checks the gate did not answer, by status. Tagged with the adapter (postfix, kannel).
/// </summary>
public sealed class SenderMetrics : IDisposable
{
    public const string MeterName = "SendGate.Senders";

    private readonly Meter _meter = new(MeterName);
    private readonly Histogram<int> _batch;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _failures;
    private readonly KeyValuePair<string, object?> _adapter;

    public SenderMetrics(string adapter)
    {
        _adapter = new("adapter", adapter);
        _batch = _meter.CreateHistogram<int>("sendgate.sender.batch.recipients", "{recipient}", "Recipients per Check the adapter sent to the gate",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000] });
        _duration = _meter.CreateHistogram<double>("sendgate.sender.check.duration", "s", "Check calls to the gate, from send to answer",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _failures = _meter.CreateCounter<long>("sendgate.sender.gate.failures", "{call}", "Check calls the gate did not answer, by gRPC status");
    }

    public void Checked(int recipients, TimeSpan elapsed)
    {
        _batch.Record(recipients, _adapter);
        _duration.Record(elapsed.TotalSeconds, _adapter);
    }

    public void Failed(StatusCode status) => _failures.Add(1, _adapter, new("status", status.ToString()));

    public void Dispose() => _meter.Dispose();
}
