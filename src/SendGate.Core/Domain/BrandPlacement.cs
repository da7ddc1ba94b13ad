namespace SendGate.Core.Domain;

/// <summary>
/// Where a brand's consent changes live when the consent topic is placed by brand (Feed:Kafka:Placement=Brand):
/// partition = (brand × 2654435761 mod 2^32) mod partitions — Fibonacci hashing, so that consecutive İYS brand codes
/// spread over the partitions, written in one line in any language (a client routing by brand computes the same).
/// Every change of a brand is on one partition, so a shard that serves a partition serves its brands whole.
/// </summary>
public static class BrandPlacement
{
    /// <summary>Knuth's multiplicative constant, ⌊2^32 / φ⌋.</summary>
    public const uint Multiplier = 2654435761;

    public static int Partition(uint brand, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        return (int)(unchecked(brand * Multiplier) % (uint)partitions);
    }
}
