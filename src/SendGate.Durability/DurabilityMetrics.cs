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
    private double _lastCheckpointWriteSeconds;
    private double _recoverySeconds;
    private long _lastCheckpointUnixSeconds;

    public DurabilityMetrics(IMeterFactory meterFactory, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(clock);
        var meter = meterFactory.Create(MeterName);
        _checkpoints = meter.CreateCounter<long>("sendgate.checkpoints", unit: "{checkpoint}", description: "Checkpoints by outcome: taken, failed");
        meter.CreateObservableGauge("sendgate.checkpoint.duration", () => Volatile.Read(ref _lastCheckpointSeconds), unit: "s", description: "How long the last checkpoint held the feed");
        meter.CreateObservableGauge("sendgate.checkpoint.write.duration", () => Volatile.Read(ref _lastCheckpointWriteSeconds), unit: "s", description: "How long the last checkpoint took to be on disk (the feed goes on meanwhile)");
        meter.CreateObservableGauge(
            "sendgate.checkpoint.age",
            () => Interlocked.Read(ref _lastCheckpointUnixSeconds) is var at and > 0 ? clock.GetUtcNow().ToUnixTimeSeconds() - at : -1,
            unit: "s",
            description: "Seconds since the last checkpoint (-1: none yet); what a crash now would replay");
        meter.CreateObservableGauge("sendgate.recovery.duration", () => Volatile.Read(ref _recoverySeconds), unit: "s", description: "Time the last start spent recovering durable state and rebuilding the hot index");
    }

    /// <param name="heldSeconds">How long the feed waited for the checkpoint.</param>
    /// <param name="seconds">From its start until it was on disk, manifest included.</param>
    /// <param name="at">When it was complete.</param>
    public void RecordCheckpoint(double heldSeconds, double seconds, DateTimeOffset at)
    {
        _checkpoints.Add(1, Taken);
        Volatile.Write(ref _lastCheckpointSeconds, heldSeconds);
        Volatile.Write(ref _lastCheckpointWriteSeconds, seconds);
        Interlocked.Exchange(ref _lastCheckpointUnixSeconds, at.ToUnixTimeSeconds());
    }

    public void RecordCheckpointFailed() => _checkpoints.Add(1, Failed);

    public void RecordRecovery(double seconds) => Volatile.Write(ref _recoverySeconds, seconds);
}
