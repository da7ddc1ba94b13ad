using SendGate.Core.Domain;

namespace SendGate.Kafka;

/// <summary>
/// Section <c>Shard</c>: a gate that serves only some partitions of a brand-placed consent topic
/// (Feed:Kafka:Placement=Brand at the publishers). Static: no group rebalancing decides what a shard holds.
/// </summary>
public sealed class ShardOptions
{
    public const string SectionName = "Shard";

    /// <summary>The consent topic's partitions this gate serves; unset: all of them (an unsharded gate).</summary>
    public int[]? Partitions { get; set; }

    public IEnumerable<string> Problems()
    {
        if (Partitions is { Length: 0 })
        {
            yield return $"{SectionName}:Partitions is empty: list the partitions this shard serves, or remove it to serve all.";
        }

        if (Partitions?.Any(p => p < 0) == true)
        {
            yield return $"{SectionName}:Partitions: partition numbers start at 0.";
        }
    }
}

/// <summary>
/// What this gate holds: every partition, or its shard's. Knows the topic's partition count once the feed has
/// opened, and with it which brands are this shard's (<see cref="BrandPlacement"/>).
/// </summary>
public sealed class ShardMembership(ShardOptions options)
{
    private readonly HashSet<int>? _held = options.Partitions is { Length: > 0 } held ? [.. held] : null;
    private int _partitions;

    public bool IsSharded => _held is not null;

    /// <summary>The partitions held, ascending; empty for an unsharded gate (all).</summary>
    public IReadOnlyList<int> Held => _held is null ? [] : [.. _held.Order()];

    /// <summary>The topic's partition count as the feed last saw it; 0 before it opened.</summary>
    public int PartitionCount => Volatile.Read(ref _partitions);

    public bool Holds(int partition) => _held is null || _held.Contains(partition);

    /// <summary>Called by the feed when it learns the topic's partition count.</summary>
    public void Opened(int partitions) => Volatile.Write(ref _partitions, partitions);

    /// <summary>Whether this gate answers for <paramref name="brand"/>; when not, <paramref name="partition"/> is where it lives.</summary>
    public bool Serves(uint brand, out int partition)
    {
        int count = PartitionCount;
        partition = count > 0 ? BrandPlacement.Partition(brand, count) : -1;
        return _held is null || (partition >= 0 && _held.Contains(partition));
    }

    /// <summary>Partition ends with the partitions not held zeroed: a probe is satisfied by the partitions this gate reads.</summary>
    public long[] Mask(long[] ends)
    {
        if (_held is null)
        {
            return ends;
        }

        var masked = new long[ends.Length];
        for (int partition = 0; partition < ends.Length; partition++)
        {
            masked[partition] = _held.Contains(partition) ? ends[partition] : 0;
        }

        return masked;
    }
}
