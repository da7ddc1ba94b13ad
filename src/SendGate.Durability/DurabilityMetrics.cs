using System.Diagnostics.Metrics;

namespace SendGate.Durability;

/// <summary>Checkpoints and recovery as /metrics shows them.</summary>
public sealed class DurabilityMetrics
{
    public const string MeterName = "SendGate.Durability";

    private static readonly KeyValuePair<string, object?> Taken = new("outcome", "taken");
    private static readonly KeyValuePair<string, object?> Failed = new("outcome", "failed");
    private readonly Counter<long> _checkpoints;
    private double _lastCheckpointSeconds;
    private double _recoverySeconds;
    private long _lastCheckpointUnixSeconds;

    public DurabilityMetrics(IMeterFactory meterFactory, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(clock);
        var meter = meterFactory.Create(MeterName);
        _checkpoints = meter.CreateCounter<long>("sendgate.checkpoints", unit: "{checkpoint}", description: "Checkpoints by outcome: taken, failed");
        meter.CreateObservableGauge("sendgate.checkpoint.duration", () => Volatile.Read(ref _lastCheckpointSeconds), unit: "s", description: "How long the last checkpoint held the feed");
        meter.CreateObservableGauge(
            "sendgate.checkpoint.age",
            () => Interlocked.Read(ref _lastCheckpointUnixSeconds) is var at and > 0 ? clock.GetUtcNow().ToUnixTimeSeconds() - at : -1,
            unit: "s",
            description: "Seconds since the last checkpoint (-1: none yet); what a crash now would replay");
        meter.CreateObservableGauge("sendgate.recovery.duration", () => Volatile.Read(ref _recoverySeconds), unit: "s", description: "Time the last start spent recovering durable state and rebuilding the hot index");
    }

    public void RecordCheckpoint(double seconds, DateTimeOffset at)
    {
        _checkpoints.Add(1, Taken);
        Volatile.Write(ref _lastCheckpointSeconds, seconds);
        Interlocked.Exchange(ref _lastCheckpointUnixSeconds, at.ToUnixTimeSeconds());
    }

    public void RecordCheckpointFailed() => _checkpoints.Add(1, Failed);

    public void RecordRecovery(double seconds) => Volatile.Write(ref _recoverySeconds, seconds);
}
