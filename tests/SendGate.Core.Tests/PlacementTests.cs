using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Core.Tests;

public sealed class PlacementTests
{
    [Fact]
    public void BrandPlacement_IsTheDocumentedFormula()
    {
        // partition = (brand × 2654435761 mod 2^32) mod P, as a Python or Node client writes it.
        Assert.Equal((int)((123457UL * 2654435761UL % 4294967296UL) % 64UL), BrandPlacement.Partition(123457, 64));
        Assert.Equal([0, 0, 1, 1, 1, 2], Enumerable.Range(123457, 6).Select(b => BrandPlacement.Partition((uint)b, 3)));
        Assert.Equal(0, BrandPlacement.Partition(uint.MaxValue, 1));
    }

    [Fact]
    public void BrandPlacement_SpreadsConsecutiveBrandCodes()
    {
        var perPartition = Enumerable.Range(100_000, 6_400).GroupBy(b => BrandPlacement.Partition((uint)b, 64)).Select(g => g.Count()).ToList();

        Assert.Equal(64, perPartition.Count);
        Assert.InRange(perPartition.Min(), 80, 100);
        Assert.InRange(perPartition.Max(), 100, 120);
    }

    [Fact]
    public void SlicedBrand_SpreadsItsRecipientsOverItsSlices_FromTheBrandsOwnPartition()
    {
        var map = new PlacementMap(8, new Dictionary<uint, int> { [123457] = 3 });
        int home = BrandPlacement.Partition(123457, 8);
        var keys = Enumerable.Range(0, 300).Select(i => new RecipientKey((ulong)i * 0x9E3779B97F4A7C15UL, (ulong)i)).ToList();

        var partitions = keys.Select(key => map.PartitionOf(123457, key)).ToList();

        Assert.Equal(Enumerable.Range(0, 3).Select(slot => (home + slot) % 8).Order(), partitions.Distinct().Order());
        Assert.Equal(map.PartitionsOf(123457).Order(), partitions.Distinct().Order());
        Assert.All(keys, key => Assert.Equal(BrandPlacement.Partition(123458, 8), map.PartitionOf(123458, key))); // unsliced: the brand's one partition
        Assert.Throws<ArgumentException>(() => new PlacementMap(2, new Dictionary<uint, int> { [1] = 3 }));
    }
}
