using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;

namespace SendGate.LoadDriver.Measuring;

/// <summary>
/// What a run measured: calls whose intended start lies in the measurement window, with their
/// latency from the intended start (for the open model the schedule, so a stalled server is
/// charged for every call it delayed — no coordinated omission), recipients answered, errors
/// by status, and a per-second timeline for the charts.
/// </summary>
internal sealed class RunRecorder(long measureStart, long measureEnd)
{
    private readonly ConcurrentDictionary<StatusCode, long> _errors = new();
    private readonly ConcurrentDictionary<int, Second> _timeline = new();
    private long _requests;
    private long _recipients;
    private long _allowed;
    private long _mismatches;
    private long _outside;

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Open model: how late the driver sent each measured request against its schedule. Large values mean the driver, not the gate, is the limit.</summary>
    public LatencyHistogram SendLag { get; } = new();

    public long Requests => Interlocked.Read(ref _requests);

    public long Recipients => Interlocked.Read(ref _recipients);

    public long Allowed => Interlocked.Read(ref _allowed);

    /// <summary>OK answers whose reasons did not match the request's recipients one for one.</summary>
    public long Mismatches => Interlocked.Read(ref _mismatches);

    /// <summary>Calls of the ramp and warm-up: made, not measured.</summary>
    public long Unmeasured => Interlocked.Read(ref _outside);

    public IReadOnlyDictionary<StatusCode, long> Errors => _errors;

    public long ErrorCount => _errors.Values.Sum() + Mismatches;

    public TimeSpan Window => Stopwatch.GetElapsedTime(measureStart, measureEnd);

    public IEnumerable<(int Second, long Calls, long Errors, LatencyHistogram Latency)> Timeline =>
        _timeline.OrderBy(s => s.Key).Select(s => (s.Key, s.Value.Latency.Count, Interlocked.Read(ref s.Value.Errors), s.Value.Latency));

    public bool Measures(long intendedStart) => intendedStart >= measureStart && intendedStart < measureEnd;

    public void RecordSendLag(long intendedStart, long sent)
    {
        if (Measures(intendedStart))
        {
            SendLag.Record(Nanoseconds(intendedStart, sent));
        }
    }

    public void Record(long intendedStart, long completed, in CallOutcome outcome)
    {
        if (!Measures(intendedStart))
        {
            Interlocked.Increment(ref _outside);
            return;
        }

        long nanoseconds = Nanoseconds(intendedStart, completed);
        Latency.Record(nanoseconds);
        Interlocked.Increment(ref _requests);
        var second = _timeline.GetOrAdd((int)Stopwatch.GetElapsedTime(measureStart, intendedStart).TotalSeconds, static _ => new Second());
        second.Latency.Record(nanoseconds);
        if (outcome.Status != StatusCode.OK)
        {
            _errors.AddOrUpdate(outcome.Status, 1, static (_, n) => n + 1);
            Interlocked.Increment(ref second.Errors);
        }
        else if (outcome.Answered != outcome.Recipients)
        {
            Interlocked.Increment(ref _mismatches);
            Interlocked.Increment(ref second.Errors);
        }
        else
        {
            Interlocked.Add(ref _recipients, outcome.Recipients);
            Interlocked.Add(ref _allowed, outcome.Allowed);
        }
    }

    private static long Nanoseconds(long from, long to) => (long)((to - from) * (1e9 / Stopwatch.Frequency));

    private sealed class Second
    {
        public readonly LatencyHistogram Latency = new(significantDigits: 2);
        public long Errors;
    }
}

/// <summary>One call's result: its status, the recipients it asked about, how many answers came back and how many were allowed.</summary>
internal readonly record struct CallOutcome(StatusCode Status, int Recipients, int Answered, uint Allowed)
{
    public static CallOutcome Failed(StatusCode status, int recipients) => new(status, recipients, 0, 0);
}
