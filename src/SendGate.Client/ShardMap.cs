using SendGate.Core.Domain;

namespace SendGate.Client;

/// <summary>
/// Which gates serve which partitions of a brand-placed consent topic (Feed:Kafka:Placement=Brand): every partition
/// in [0, <see cref="Partitions"/>) served by exactly one shard, each shard reachable at one or more addresses (its
/// replicas). From configuration, e.g. section <c>Gate:Shards</c>:
/// <code>
/// { "Partitions": 3, "Shards": [ { "Partitions": [0], "Addresses": ["http://gate-0a:50051", "http://gate-0b:50051"] }, ... ] }
/// </code>
/// </summary>
public sealed class ShardMap
{
    /// <summary>The consent topic's partition count (what the publishers placed brands over).</summary>
    public int Partitions { get; set; }

    public List<Shard> Shards { get; set; } = [];

    /// <summary>Brands sliced over several partitions (brand code → slices), as the publishers' Feed:Kafka:SlicedBrands.</summary>
    public Dictionary<string, int> SlicedBrands { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The shard serving <paramref name="partition"/>.</summary>
    public Shard ForPartition(int partition) => Shards.First(shard => shard.Partitions.Contains(partition));

    /// <summary>The placement the publishers used.</summary>
    public PlacementMap Placement() => new(Partitions, SlicedBrands.ToDictionary(entry => uint.Parse(entry.Key, System.Globalization.CultureInfo.InvariantCulture), entry => entry.Value));

    /// <summary>Sentences for what is wrong: a partition no shard or two shards serve, a shard without addresses.</summary>
    public IEnumerable<string> Problems()
    {
        if (Partitions < 1)
        {
            yield return "Shards:Partitions must be the consent topic's partition count (at least 1).";
            yield break;
        }

        for (int partition = 0; partition < Partitions; partition++)
        {
            int serving = Shards.Count(shard => shard.Partitions.Contains(partition));
            if (serving != 1)
            {
                yield return $"Shards: partition {partition} is served by {serving} shards; it must be exactly one.";
            }
        }

        foreach (var (brand, slices) in SlicedBrands)
        {
            if (!uint.TryParse(brand, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _) || slices < 1 || slices > Partitions)
            {
                yield return $"SlicedBrands: '{brand}' → {slices}: a brand code, sliced over 1 to {Partitions} partitions.";
            }
        }

        foreach (var (shard, index) in Shards.Select((shard, index) => (shard, index)))
        {
            if (shard.Addresses.Length == 0)
            {
                yield return $"Shards:{index}: no Addresses (the shard's replicas).";
            }

            foreach (string address in shard.Addresses)
            {
                if (!GateAddress.TryParse(address, out _, out string problem))
                {
                    yield return $"Shards:{index}: {problem}.";
                }
            }
        }
    }

    /// <summary>One shard: its partitions and its replicas' addresses.</summary>
    public sealed class Shard
    {
        public int[] Partitions { get; set; } = [];

        public string[] Addresses { get; set; } = [];
    }
}
