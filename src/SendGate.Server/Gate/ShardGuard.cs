using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Core.Recipients;
using SendGate.Kafka;

namespace SendGate.Server.Gate;

/// <summary>
/// A shard answers only for what its partitions hold: the brands placed on them, and of a sliced brand the
/// recipients placed on them. Anything else gets a definite FAILED_PRECONDITION naming where it is.
/// </summary>
internal sealed class ShardGuard(ShardMembership shard, RecipientHasher hasher)
{
    public Rejection? Refuse(uint brand) =>
        shard.Serves(brand, out int partition) ? null : Rejections.WrongShard(brand, partition, shard.PartitionCount, shard.Held);

    /// <summary>One recipient of a sliced brand this shard holds only some of.</summary>
    public Rejection? Refuse(uint brand, RecipientKey recipient) =>
        shard.Holds(brand, recipient, out int partition) ? null : Rejections.WrongShard(brand, partition, shard.PartitionCount, shard.Held);

    /// <summary>
    /// Every recipient of a Check for a sliced brand this shard holds only some of (the rare case: the other brands
    /// cost nothing here); an invalid recipient is left to the decision.
    /// </summary>
    public Rejection? Refuse(CheckRequestView request, Channel channel)
    {
        if (shard.ServesAll(request.BrandCode))
        {
            return null;
        }

        for (int i = 0; i < request.Count; i++)
        {
            var entry = request.Entry(i);
            bool valid = request.HasKeys ? RecipientKey.TryFromBytes(entry, out var recipient) : hasher.TryHash(entry, channel, out recipient) == RecipientError.None;
            if (valid && Refuse(request.BrandCode, recipient) is { } elsewhere)
            {
                return elsewhere;
            }
        }

        return null;
    }
}
