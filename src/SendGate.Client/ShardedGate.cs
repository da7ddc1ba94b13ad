using Grpc.Core;
using Grpc.Net.Client;
using SendGate.Contracts.V1;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Core.Recipients;
using Channel = SendGate.Contracts.V1.Channel;
using Reason = SendGate.Contracts.V1.Reason;

namespace SendGate.Client;

/// <summary>
/// A caller's view of a brand-sharded fleet: each Check and Explain goes to the shard serving its brand (the same
/// placement function the publishers used), to the shard's replicas in turn until one answers. When none does, the
/// answer is not an error but a denial of that request's recipients, <c>REASON_DENIED_SHARD_UNAVAILABLE</c>:
/// brands on other shards are unaffected, and nothing is sent unasked. A sliced brand's batch is split by the
/// partition of each recipient's key — from recipient_keys, or for recipients as written from the deployment's
/// hashing key given here — sent to each shard concerned at once, and merged back in request order. Errors the gate
/// answers (a refused key, a bad request) are thrown as they are.
/// </summary>
public sealed class ShardedGate : IDisposable
{
    private readonly ShardMap _map;
    private readonly PlacementMap _placement;
    private readonly RecipientHasher? _hasher;
    private readonly Dictionary<ShardMap.Shard, (GrpcChannel Channel, Gate.GateClient Client)[]> _replicas = [];
    private int _turn;

    public ShardedGate(ShardMap map, GateClientOptions options, RecipientHasher? hasher = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(options);
        if (map.Problems().ToList() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(map));
        }

        _map = map;
        _placement = map.Placement();
        _hasher = hasher;
        foreach (var shard in map.Shards)
        {
            _replicas[shard] = [.. shard.Addresses.Select(address =>
            {
                var channel = GateChannel.Create(options.At(new Uri(address)));
                return (channel, new Gate.GateClient(channel));
            })];
        }
    }

    public async Task<CheckResponse> CheckAsync(CheckRequest request, DateTime? deadline = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_placement.SlicesOf(request.BrandCode) > 1)
        {
            return await SlicedCheckAsync(request, deadline, cancellationToken).ConfigureAwait(false);
        }

        var shard = _map.ForPartition(BrandPlacement.Partition(request.BrandCode, _placement.Partitions));
        return await FirstAnswerAsync(shard, client => client.CheckAsync(request, deadline: deadline, cancellationToken: cancellationToken).ResponseAsync)
            ?? Unavailable(request);
    }

    public async Task<ExplainResponse> ExplainAsync(ExplainRequest request, DateTime? deadline = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        int partition = BrandPlacement.Partition(request.BrandCode, _placement.Partitions);
        if (_placement.SlicesOf(request.BrandCode) > 1 && Key(request.RecipientKey.Span, request.Recipient, request.Channel) is { } key)
        {
            partition = _placement.PartitionOf(request.BrandCode, key);
        }

        return await FirstAnswerAsync(_map.ForPartition(partition), client => client.ExplainAsync(request, deadline: deadline, cancellationToken: cancellationToken).ResponseAsync)
            ?? new ExplainResponse { Reason = Reason.DeniedShardUnavailable, Detail = $"No replica of the shard serving brand {request.BrandCode} answered: denied, not sent unasked." };
    }

    public void Dispose()
    {
        foreach (var (channel, _) in _replicas.Values.SelectMany(replicas => replicas))
        {
            channel.Dispose();
        }
    }

    /// <summary>A sliced brand's batch: one request per shard concerned, at once, merged back in request order.</summary>
    private async Task<CheckResponse> SlicedCheckAsync(CheckRequest request, DateTime? deadline, CancellationToken cancellationToken)
    {
        bool keys = request.RecipientKeys.Count > 0;
        int count = keys ? request.RecipientKeys.Count : request.Recipients.Count;
        int home = BrandPlacement.Partition(request.BrandCode, _placement.Partitions);
        var byShard = new Dictionary<ShardMap.Shard, List<int>>();
        for (int i = 0; i < count; i++)
        {
            var key = keys ? Key(request.RecipientKeys[i].Span, string.Empty, request.Channel) : Key(default, request.Recipients[i], request.Channel);
            var shard = _map.ForPartition(key is { } k ? _placement.PartitionOf(request.BrandCode, k) : home); // an invalid recipient: any shard says so
            if (!byShard.TryGetValue(shard, out var indices))
            {
                byShard[shard] = indices = [];
            }

            indices.Add(i);
        }

        var parts = byShard.Select(async group =>
        {
            var part = request.Clone();
            part.Recipients.Clear();
            part.RecipientKeys.Clear();
            foreach (int i in group.Value)
            {
                if (keys)
                {
                    part.RecipientKeys.Add(request.RecipientKeys[i]);
                }
                else
                {
                    part.Recipients.Add(request.Recipients[i]);
                }
            }

            var answer = await FirstAnswerAsync(group.Key, client => client.CheckAsync(part, deadline: deadline, cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
            return (Indices: group.Value, Answer: answer);
        }).ToArray();
        var reasons = new byte[count];
        var answers = await Task.WhenAll(parts).ConfigureAwait(false);
        foreach (var (indices, answer) in answers)
        {
            for (int j = 0; j < indices.Count; j++)
            {
                reasons[indices[j]] = answer is null ? (byte)Reason.DeniedShardUnavailable : answer.Reasons[j];
            }
        }

        var merged = new CheckResponse { RequestId = request.RequestId, Watermark = Merge([.. answers.Select(part => part.Answer?.Watermark).OfType<Watermark>()]) };
        merged.Reasons = Google.Protobuf.ByteString.CopyFrom(reasons);
        merged.Allowed = (uint)reasons.Count(reason => ((Core.Domain.Reason)reason).IsAllowed());
        merged.Counts.Add(reasons.GroupBy(reason => reason).OrderBy(group => group.Key).Select(group => new ReasonCount { Reason = (Reason)group.Key, Count = (uint)group.Count() }));
        return merged;
    }

    /// <summary>
    /// The watermark of an answer put together from several shards': each stream at the lowest offset any part
    /// was answered at (the line-closure topic, which every shard reads, appears once), fresh as of the stalest
    /// part, and the highest version and newest change seen.
    /// </summary>
    private static Watermark Merge(IReadOnlyList<Watermark> parts)
    {
        var merged = new Watermark();
        merged.Positions.AddRange(parts.SelectMany(part => part.Positions)
            .GroupBy(position => (position.Topic, position.Partition))
            .Select(stream => stream.MinBy(position => position.Offset)!));
        merged.Version = parts.Select(part => part.Version).DefaultIfEmpty().Max();
        merged.NewestChangeTime = parts.Select(part => part.NewestChangeTime).Where(time => time is not null).MaxBy(time => time.ToDateTimeOffset());
        merged.FreshAsOf = parts.Count > 0 && parts.All(part => part.FreshAsOf is not null) ? parts.MinBy(part => part.FreshAsOf.ToDateTimeOffset())!.FreshAsOf : null;
        return merged;
    }

    /// <summary>The recipient's key: as sent, or hashed from the recipient as written; null when it is not a valid one.</summary>
    private RecipientKey? Key(ReadOnlySpan<byte> key, string written, Channel channel)
    {
        if (!key.IsEmpty)
        {
            return RecipientKey.TryFromBytes(key, out var parsed) ? parsed : null;
        }

        if (written.Length == 0)
        {
            return null;
        }

        var hasher = _hasher ?? throw new InvalidOperationException("A sliced brand's recipients as written need the deployment's hashing key (ShardedGate's hasher) to find their shard; or send recipient_keys.");
        return hasher.TryHash(written.AsSpan(), (Core.Domain.Channel)(int)channel, out var hashed) == RecipientError.None ? hashed : null;
    }

    /// <summary>The first replica's answer, starting from a rotating one; null when every replica is unreachable.</summary>
    private async Task<T?> FirstAnswerAsync<T>(ShardMap.Shard shard, Func<Gate.GateClient, Task<T>> call)
        where T : class
    {
        var replicas = _replicas[shard];
        int first = (int)((uint)Interlocked.Increment(ref _turn) % (uint)replicas.Length);
        for (int i = 0; i < replicas.Length; i++)
        {
            try
            {
                return await call(replicas[(first + i) % replicas.Length].Client).ConfigureAwait(false);
            }
            catch (RpcException error) when (error.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                // this replica is down or did not answer in time: the next one
            }
        }

        return null;
    }

    private static CheckResponse Unavailable(CheckRequest request)
    {
        int count = request.Recipients.Count + request.RecipientKeys.Count;
        var response = new CheckResponse
        {
            RequestId = request.RequestId,
            Reasons = Google.Protobuf.ByteString.CopyFrom(Enumerable.Repeat((byte)Reason.DeniedShardUnavailable, count).ToArray()),
            Allowed = 0,
        };
        if (count > 0)
        {
            response.Counts.Add(new ReasonCount { Reason = Reason.DeniedShardUnavailable, Count = (uint)count });
        }

        return response;
    }
}
