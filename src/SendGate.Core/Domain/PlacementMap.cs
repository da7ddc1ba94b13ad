using SendGate.Core.Hashing;

namespace SendGate.Core.Domain;

/// <summary>
/// The placement of a brand-placed consent topic: P partitions, each brand on
/// <see cref="BrandPlacement.Partition"/>, except the sliced brands (brand → slices S), too big for
/// one shard, whose recipients spread over S consecutive partitions from the brand's own:
/// partition = (BrandPlacement.Partition(brand, P) + key[0] mod S) mod P, key[0] being the first byte of the
/// recipient's 16-byte key as it travels (recipient_keys). Publishers, gates and sharded clients must share it.
/// </summary>
public sealed class PlacementMap
{
    private readonly IReadOnlyDictionary<uint, int> _sliced;

    public PlacementMap(int partitions, IReadOnlyDictionary<uint, int>? sliced = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        Partitions = partitions;
        _sliced = sliced ?? new Dictionary<uint, int>();
        foreach (var (brand, slices) in _sliced)
        {
            if (slices < 1 || slices > partitions)
            {
                throw new ArgumentException($"brand {brand} is sliced over {slices} partitions: between 1 and the topic's {partitions}.", nameof(sliced));
            }
        }
    }

    public int Partitions { get; }

    /// <summary>How many partitions <paramref name="brand"/>'s recipients spread over (1: a whole brand on one).</summary>
    public int SlicesOf(uint brand) => _sliced.TryGetValue(brand, out int slices) ? slices : 1;

    /// <summary>Every partition holding some of <paramref name="brand"/>'s consents.</summary>
    public IEnumerable<int> PartitionsOf(uint brand)
    {
        int first = BrandPlacement.Partition(brand, Partitions);
        return Enumerable.Range(0, SlicesOf(brand)).Select(slot => (first + slot) % Partitions);
    }

    /// <summary>The partition of <paramref name="brand"/>'s consents for <paramref name="recipient"/>.</summary>
    public int PartitionOf(uint brand, RecipientKey recipient)
    {
        int first = BrandPlacement.Partition(brand, Partitions);
        int slices = SlicesOf(brand);
        if (slices == 1)
        {
            return first;
        }

        Span<byte> bytes = stackalloc byte[RecipientKey.Size];
        recipient.WriteTo(bytes);
        return (first + (bytes[0] % slices)) % Partitions;
    }
}
