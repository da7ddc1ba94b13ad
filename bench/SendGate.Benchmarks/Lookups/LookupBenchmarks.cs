using BenchmarkDotNet.Attributes;
using SendGate.Benchmarks.Infrastructure;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Index;

namespace SendGate.Benchmarks.Lookups;

/// <summary>
/// "May I send?" lookups at 10^6–10^8 tuples, on the same keys in every store (see
/// <see cref="LookupWorkload"/>): our hot index in batches of 1,000 (the baseline), the same
/// index one key at a time, FASTER reads, and SMISMEMBER against Redis 7 and Garnet. Every
/// setup first checks that the store finds exactly the present half of the queries.
/// Redis and Garnet are reached over loopback and their client's cost is included: that is what
/// a .NET user choosing them would pay (StackExchange.Redis); the "C client op/s" column gives
/// the same queries through redis-cli --pipe, the server's own rate. Our index and FASTER are in process.
/// </summary>
public class LookupBenchmarks
{
    private LookupWorkload _workload = null!;
    private ConsentIndex? _index;
    private ConsentLookup[] _results = [];
    private FasterPeer? _faster;
    private RespPeer? _redis;
    private RespPeer? _garnet;

    [ParamsSource(nameof(Sizes))]
    public long Tuples { get; set; }

    public static IEnumerable<long> Sizes => BenchSizes.Tuples;

    [GlobalSetup(Targets = [nameof(IndexBatched), nameof(IndexOneAtATime)])]
    public void SetupIndex()
    {
        _workload = LookupWorkload.Create(Tuples, BenchSizes.QueriesPerInvoke);
        _index = new ConsentIndex(new ConsentIndexOptions { ExpectedTuples = Tuples });
        var state = ConsentState.Create(ConsentStatus.Onay, new ConsentTime(400_000_000), new ConsentTime(400_000_000));
        for (long i = 0; i < Tuples; i++)
        {
            _index.Apply(LookupWorkload.Tuple(i), state);
        }

        _results = new ConsentLookup[LookupWorkload.BatchSize];
        Verify("hot index", IndexBatched());
        RecordFootprint(nameof(IndexBatched), _index.SizeBytes);
        RecordFootprint(nameof(IndexOneAtATime), _index.SizeBytes);
    }

    [GlobalSetup(Target = nameof(Faster))]
    public void SetupFaster()
    {
        _workload = LookupWorkload.Create(Tuples, BenchSizes.QueriesPerInvoke);
        _faster = new FasterPeer(_workload);
        Verify("FASTER", Faster());
        RecordFootprint(nameof(Faster), _faster.Bytes);
    }

    [GlobalSetup(Target = nameof(Redis))]
    public void SetupRedis() => _redis = SetupResp("Redis", "SENDGATE_BENCH_REDIS", nameof(Redis));

    [GlobalSetup(Target = nameof(Garnet))]
    public void SetupGarnet() => _garnet = SetupResp("Garnet", "SENDGATE_BENCH_GARNET", nameof(Garnet));

    [GlobalCleanup]
    public void Cleanup()
    {
        _index?.Dispose();
        _faster?.Dispose();
        _redis?.Dispose();
        _garnet?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = BenchSizes.QueriesPerInvoke)]
    public long IndexBatched()
    {
        long found = 0;
        for (int b = 0; b < _workload.BatchCount; b++)
        {
            var batch = _workload.Batch(b);
            _index!.Lookup(batch, _results);
            foreach (var result in _results.AsSpan(0, batch.Length))
            {
                found += result.State.IsNone ? 0 : 1;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = BenchSizes.QueriesPerInvoke)]
    public long IndexOneAtATime()
    {
        long found = 0;
        foreach (ref readonly var key in _workload.Queries.AsSpan())
        {
            found += _index!.Lookup(key).State.IsNone ? 0 : 1;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = BenchSizes.QueriesPerInvoke)]
    public long Faster() => _faster!.Lookup();

    [Benchmark(OperationsPerInvoke = BenchSizes.QueriesPerInvoke)]
    public long Redis() => _redis!.Lookup();

    [Benchmark(OperationsPerInvoke = BenchSizes.QueriesPerInvoke)]
    public long Garnet() => _garnet!.Lookup();

    /// <summary>Redis and Garnet speak the same commands: one setup, the server named by its address variable.</summary>
    private RespPeer SetupResp(string store, string addressVariable, string benchmark)
    {
        _workload = LookupWorkload.Create(Tuples, BenchSizes.QueriesPerInvoke);
        var peer = new RespPeer(store, addressVariable, _workload);
        Verify(store, peer.Lookup());
        RecordFootprint(benchmark, peer.Bytes);
        SetupFigure.CClient.Record(benchmark, Tuples, peer.CClientLookupsPerSecond(), "N0");
        return peer;
    }

    private void RecordFootprint(string benchmark, long bytes) => SetupFigure.Footprint.Record(benchmark, Tuples, (double)bytes / Tuples, "F1");

    private void Verify(string store, long found)
    {
        if (found != _workload.Present)
        {
            throw new InvalidOperationException($"{store} found {found} of {_workload.Queries.Length} queries at {Tuples:N0} tuples; exactly {_workload.Present} are stored.");
        }
    }
}
