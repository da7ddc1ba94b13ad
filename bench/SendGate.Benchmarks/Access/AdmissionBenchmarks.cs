using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using SendGate.Access;
using SendGate.Access.Redis;
using StackExchange.Redis;

namespace SendGate.Benchmarks.Access;

/// <summary>
/// What a fleet-wide budget adds to an admission: a Check admitted from a replica's lease of the Redis budget
/// against one admitted from the gate's own token bucket (the baseline), and the lease script's round trip to Redis,
/// which a replica pays once per slice, off the request's path.
/// </summary>
[MemoryDiagnoser]
public class AdmissionBenchmarks
{
    private const int Batch = 1_000;
    private const int Admissions = 1_000;
    private TokenBucket _local = null!;
    private SharedBudgets _shared = null!;
    private IRateBudget _leased = null!;
    private IDatabase _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    [GlobalSetup]
    public void Setup()
    {
        string redis = Environment.GetEnvironmentVariable("SENDGATE_BENCH_REDIS")
            ?? throw new InvalidOperationException("SENDGATE_BENCH_REDIS is not set: run through bench/benchmarks.sh, which starts Redis");
        const double Rate = 1e10; // a budget the benchmark cannot exhaust: every admission is a lease hit or a bucket hit
        _local = new TokenBucket((long)Rate, Rate, TimeProvider.System);
        _shared = SharedBudgets.Connect(new SharedLimitsOptions { Redis = redis, KeyPrefix = "bench-" + Guid.NewGuid().ToString("N")[..8] + ":" }, TimeProvider.System, new SharedBudgetMetrics(), NullLogger.Instance);
        _leased = _shared.Create("bench", "recipients", (long)Rate, Rate);
        _connection = ConnectionMultiplexer.Connect(redis);
        _redis = _connection.GetDatabase();
        Thread.Sleep(200); // the first slice arrives
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _shared.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _connection.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Admissions)]
    public int LocalBucket() => Admit(_local);

    [Benchmark(OperationsPerInvoke = Admissions)]
    public int SharedLease() => Admit(_leased);

    /// <summary>One lease script, as a replica runs it once per slice.</summary>
    [Benchmark]
    public RedisResult LeaseRoundTrip() => _redis.ScriptEvaluate(SharedBudgets.Lease, new { key = (RedisKey)"bench:lease", capacity = 1_000_000_000L, rate = "1000000000", asked = (long)Batch });

    private static int Admit(IRateBudget budget)
    {
        int admitted = 0;
        for (int i = 0; i < Admissions; i++)
        {
            admitted += budget.TryTake(Batch, out _) ? 1 : 0;
        }

        return admitted;
    }
}
