using Grpc.Core;
using SendGate.LoadDriver.Measuring;

namespace SendGate.LoadDriver.Reporting;

/// <summary>The figures of a run, derived once from what was recorded.</summary>
internal sealed record LoadSummary(
    long Requests,
    long Recipients,
    double Seconds,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    double MeanMs,
    long Errors,
    IReadOnlyDictionary<StatusCode, long> ErrorsByStatus,
    long Mismatches,
    double AllowedShare,
    long? MemoryStart,
    long? MemoryEnd,
    long? MemoryMax,
    double? SendLagP99Ms,
    double? SendLagMaxMs)
{
    public double RequestsPerSecond => Seconds > 0 ? Requests / Seconds : 0;

    public double RecipientsPerSecond => Seconds > 0 ? Recipients / Seconds : 0;

    public double? MemoryGrowthMiB => MemoryStart is { } start && MemoryEnd is { } end ? (end - start) / 1048576.0 : null;

    public static LoadSummary From(RunRecorder recorder, IReadOnlyList<ServerMemoryProbe.Sample> memory, TimeSpan measureStart)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(memory);
        var latency = recorder.Latency;
        var measured = memory.Where(s => s.At >= measureStart).ToList();
        return new LoadSummary(
            recorder.Requests,
            recorder.Recipients,
            recorder.Window.TotalSeconds,
            Ms(latency.ValueAtQuantile(0.50)),
            Ms(latency.ValueAtQuantile(0.90)),
            Ms(latency.ValueAtQuantile(0.99)),
            Ms(latency.ValueAtQuantile(0.999)),
            Ms(latency.Max),
            latency.Mean / 1e6,
            recorder.ErrorCount,
            recorder.Errors,
            recorder.Mismatches,
            recorder.Recipients == 0 ? 0 : (double)recorder.Allowed / recorder.Recipients,
            measured.Count > 0 ? measured[0].WorkingSet : null,
            measured.Count > 0 ? measured[^1].WorkingSet : null,
            measured.Count > 0 ? measured.Max(s => s.WorkingSet) : null,
            recorder.SendLag.Count > 0 ? Ms(recorder.SendLag.ValueAtQuantile(0.99)) : null,
            recorder.SendLag.Count > 0 ? Ms(recorder.SendLag.Max) : null);
    }

    private static double Ms(long nanoseconds) => nanoseconds / 1e6;
}
