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
/// What this gate holds: every partition, or its shard's. Knows the topic's placement once the feed has opened
/// (its partition count, and <see cref="KafkaFeedOptions.SlicedBrands"/>), and with it which brands — or, of a
/// sliced brand, which recipients — are this shard's.
/// </summary>
public sealed class ShardMembership(ShardOptions options, KafkaFeedOptions? feed = null)
{
    private readonly HashSet<int>? _held = options.Partitions is { Length: > 0 } held ? [.. held] : null;
    private int _partitions;
    private PlacementMap? _placement;

    public bool IsSharded => _held is not null;

    /// <summary>The partitions held, ascending; empty for an unsharded gate (all).</summary>
    public IReadOnlyList<int> Held => _held is null ? [] : [.. _held.Order()];

    /// <summary>The topic's partition count as the feed last saw it; 0 before it opened.</summary>
    public int PartitionCount => Volatile.Read(ref _partitions);

    public bool Holds(int partition) => _held is null || _held.Contains(partition);

    /// <summary>The topic's placement once the feed opened; null before.</summary>
    public PlacementMap? Placement => Volatile.Read(ref _placement);

    /// <summary>Called by the feed when it learns the topic's partition count.</summary>
    public void Opened(int partitions)
    {
        Volatile.Write(ref _placement, feed?.PlacementMap(partitions) ?? new PlacementMap(partitions));
        Volatile.Write(ref _partitions, partitions);
    }

    /// <summary>
    /// Whether this gate answers for <paramref name="brand"/> — for a sliced brand, for some of its recipients; when
    /// not, <paramref name="partition"/> is where the brand lives.
    /// </summary>
    public bool Serves(uint brand, out int partition)
    {
        var placement = Placement;
        partition = placement is null ? -1 : BrandPlacement.Partition(brand, placement.Partitions);
        return _held is null || (placement is not null && placement.PartitionsOf(brand).Any(_held.Contains));
    }

    /// <summary>Whether this gate holds every partition of <paramref name="brand"/> (always, unless a sliced brand is spread beyond it).</summary>
    public bool ServesAll(uint brand) => _held is null || Placement?.PartitionsOf(brand).All(_held.Contains) == true;

    /// <summary>Whether this gate holds <paramref name="brand"/>'s consents for <paramref name="recipient"/>; when not, <paramref name="partition"/> is where they are.</summary>
    public bool Holds(uint brand, Core.Hashing.RecipientKey recipient, out int partition)
    {
        partition = Placement?.PartitionOf(brand, recipient) ?? -1;
        return _held is null || _held.Contains(partition);
    }
}
