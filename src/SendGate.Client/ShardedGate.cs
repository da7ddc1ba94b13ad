using Grpc.Core;
using Grpc.Net.Client;
using SendGate.Contracts.V1;

namespace SendGate.Client;

/// <summary>
/// A caller's view of a brand-sharded fleet: each Check and Explain goes to the shard serving its brand (the same
/// placement function the publishers used), to the shard's replicas in turn until one answers. When none does, the
/// answer is not an error but a denial of that request's recipients, <c>REASON_DENIED_SHARD_UNAVAILABLE</c>:
/// brands on other shards are unaffected, and nothing is sent unasked. Errors the gate answers (a refused key, a bad
/// request) are thrown as they are.
/// </summary>
public sealed class ShardedGate : IDisposable
{
    private readonly ShardMap _map;
    private readonly Dictionary<ShardMap.Shard, (GrpcChannel Channel, Gate.GateClient Client)[]> _replicas = [];
    private int _turn;

    public ShardedGate(ShardMap map, GateClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(options);
        if (map.Problems().ToList() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(map));
        }

        _map = map;
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
        return await FirstAnswerAsync(request.BrandCode, client => client.CheckAsync(request, deadline: deadline, cancellationToken: cancellationToken).ResponseAsync)
            ?? Unavailable(request);
    }

    public async Task<ExplainResponse> ExplainAsync(ExplainRequest request, DateTime? deadline = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await FirstAnswerAsync(request.BrandCode, client => client.ExplainAsync(request, deadline: deadline, cancellationToken: cancellationToken).ResponseAsync)
            ?? new ExplainResponse { Reason = Reason.DeniedShardUnavailable, Detail = $"No replica of the shard serving brand {request.BrandCode} answered: denied, not sent unasked." };
    }

    public void Dispose()
    {
        foreach (var (channel, _) in _replicas.Values.SelectMany(replicas => replicas))
        {
            channel.Dispose();
        }
    }

    /// <summary>The first replica's answer, starting from a rotating one; null when every replica is unreachable.</summary>
    private async Task<T?> FirstAnswerAsync<T>(uint brand, Func<Gate.GateClient, Task<T>> call)
        where T : class
    {
        var replicas = _replicas[_map.For(brand)];
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
