using System.Collections.Concurrent;

namespace SendGate.Kafka;

/// <summary>
/// How the gate knows it is current without message timestamps (Kafka 0.9 has none): a probe
/// asks the broker for every partition's end at time t; once the applied offsets reach those
/// ends, everything that existed at t is applied, so the gate is fresh as of t. Probes are
/// taken on a timer and satisfied in order by the consuming thread; a consumer that lags behind
/// several probes satisfies them one by one, so freshness advances even under a steady stream.
/// </summary>
internal sealed class FreshnessProbes(int capacity = 256)
{
    private readonly ConcurrentQueue<Probe> _pending = new();

    /// <summary>Partition ends, indexed by partition id, as the broker reported them at <paramref name="At"/>.</summary>
    public sealed record Probe(DateTimeOffset At, long[] Ends);

    public int Pending => _pending.Count;

    /// <summary>Adds a probe; false (dropped) when the consumer is already that many probes behind.</summary>
    public bool Add(Probe probe) => _pending.Count < capacity && TryEnqueue(probe);

    /// <summary>
    /// The newest probe the applied <paramref name="positions"/> satisfy, removing it and all older ones; null when none.
    /// A probe shorter than the positions was taken before the consent topic grew, when its vector laid the streams
    /// out differently: it is dropped unsatisfied, and a later one says how fresh the gate is.
    /// </summary>
    public Probe? Satisfied(ReadOnlySpan<long> positions)
    {
        Probe? newest = null;
        while (_pending.TryPeek(out var probe) && (probe.Ends.Length < positions.Length || Reached(probe, positions)))
        {
            _pending.TryDequeue(out _);
            newest = probe.Ends.Length < positions.Length ? newest : probe;
        }

        return newest;
    }

    private static bool Reached(Probe probe, ReadOnlySpan<long> positions)
    {
        for (int partition = 0; partition < probe.Ends.Length; partition++)
        {
            if (partition >= positions.Length || positions[partition] < probe.Ends[partition])
            {
                return false;
            }
        }

        return true;
    }

    private bool TryEnqueue(Probe probe)
    {
        _pending.Enqueue(probe);
        return true;
    }
}
