using SendGate.Kafka;

namespace SendGate.Server.Gate;

/// <summary>A shard answers only for the brands placed on its partitions; the others get a definite FAILED_PRECONDITION naming where they are.</summary>
internal sealed class ShardGuard(ShardMembership shard)
{
    public Rejection? Refuse(uint brand) =>
        shard.Serves(brand, out int partition) ? null : Rejections.WrongShard(brand, partition, shard.PartitionCount, shard.Held);
}
