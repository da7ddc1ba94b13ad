using Microsoft.Extensions.Logging.Abstractions;

namespace SendGate.Access.Redis.Tests;

/// <summary>
/// Replicas (each its own <see cref="SharedBudgets"/> and connection, as separate gates have) spending one client's
/// budget until it is gone. The refill rate is negligible (one token in 1,000 s), so what the replicas may admit is
/// a count — the burst — and every assertion is one: together they admit the burst once, not once each; with Redis
/// down nothing beyond their leases; after Redis restarts (it forgot the bucket) one burst more.
/// </summary>
public sealed class SharedBudgetTests
{
    private const double Rate = 0.001; // recipients per second: no refill within a test
    private const long Burst = 20_000;
    private const int Batch = 100;

    [Fact]
    public async Task ThreeReplicas_AdmitTheBurstOnceBetweenThem()
    {
        await using var redis = await RedisServer.StartAsync();
        var replicas = Replicas(redis.ConnectionString, WhenUnavailable.Refuse, 3);

        var admitted = await SpendAsync(replicas, untilAvailable: true);

        // Never more than the burst; less by at most what each lease holds short of a batch when the bucket runs dry.
        Assert.InRange(admitted.Sum(), Burst - (replicas.Count * Batch), Burst);
        Assert.All(admitted, each => Assert.True(each > 0, "every replica leased from the shared bucket"));
        await DisposeAsync(replicas);
    }

    [Fact]
    public async Task RedisKilled_NothingBeyondTheLeases_RestartedWithoutRestartingReplicas_OneBurstMore()
    {
        await using var redis = await RedisServer.StartAsync();
        var replicas = Replicas(redis.ConnectionString, WhenUnavailable.Refuse, 3);

        long before = (await SpendAsync(replicas, untilAvailable: true)).Sum();
        await redis.KillAsync();
        long during = (await SpendAsync(replicas)).Sum();
        await redis.RestartAsync();
        long after = (await SpendAsync(replicas, untilAvailable: true)).Sum();

        Assert.InRange(before, Burst - (replicas.Count * Batch), Burst);
        Assert.Equal(0, during); // Refuse: what the leases held is less than a batch, and Redis does not answer
        // Redis forgot the bucket: full again — the documented extra burst, and never more than the two in all.
        Assert.InRange(before + after, (2 * Burst) - (replicas.Count * Batch), 2 * Burst);
        Assert.All(replicas, replica => Assert.True(replica.Budgets.IsAvailable));
        await DisposeAsync(replicas);
    }

    [Fact]
    public async Task RedisDown_LocalMode_EachReplicaFallsBackToABudgetOfItsOwn()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.KillAsync(); // never up: the replicas start without it
        var replicas = Replicas(redis.ConnectionString, WhenUnavailable.Local, 2);

        var admitted = await SpendAsync(replicas, untilUnavailable: true);

        Assert.Equal([Burst, Burst], admitted); // one grant each: the documented price of failing open
        Assert.All(replicas, replica => Assert.False(replica.Budgets.IsAvailable));
        await DisposeAsync(replicas);
    }

    private sealed record Replica(SharedBudgets Budgets, IRateBudget Budget);

    private static List<Replica> Replicas(string redis, WhenUnavailable whenUnavailable, int count)
    {
        string prefix = "test-" + Guid.NewGuid().ToString("N")[..8] + ":";
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var options = new SharedLimitsOptions { Redis = redis, WhenUnavailable = whenUnavailable, KeyPrefix = prefix, Timeout = TimeSpan.FromSeconds(1) };
            var budgets = SharedBudgets.Connect(options, TimeProvider.System, new SharedBudgetMetrics(), NullLogger.Instance);
            return new Replica(budgets, budgets.Create("acme", "recipients", Burst, Rate));
        })];
    }

    /// <summary>
    /// Every replica takes batches as fast as it can until none has admitted anything for a second (the budget is
    /// spent, or refused while Redis is down); with <paramref name="untilAvailable"/>, not before every replica has
    /// Redis's answer and together admitted all but what leases may hold short of a batch (a first connection or a
    /// restart can take longer than that second: reconnecting is not the budget's end); with
    /// <paramref name="untilUnavailable"/>, not before every replica has noticed that Redis does not answer.
    /// Recipients admitted per replica.
    /// </summary>
    private static async Task<long[]> SpendAsync(List<Replica> replicas, bool untilAvailable = false, bool untilUnavailable = false)
    {
        var admitted = new long[replicas.Count];
        var lastAdmission = DateTime.UtcNow;
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // bounds a hang, asserts no speed
        while (!giveUp.IsCancellationRequested && DateTime.UtcNow - lastAdmission < TimeSpan.FromSeconds(1))
        {
            if ((untilAvailable && (!replicas.All(r => r.Budgets.IsAvailable) || admitted.Sum() < Burst - (replicas.Count * Batch)))
                || (untilUnavailable && replicas.Any(r => r.Budgets.IsAvailable)))
            {
                lastAdmission = DateTime.UtcNow; // the quiet second counts from when the replicas are where the test wants them
            }

            for (int i = 0; i < replicas.Count; i++)
            {
                if (replicas[i].Budget.TryTake(Batch, out _))
                {
                    admitted[i] += Batch;
                    lastAdmission = DateTime.UtcNow;
                }
            }

            await Task.Delay(1);
        }

        return admitted;
    }

    private static async Task DisposeAsync(List<Replica> replicas)
    {
        foreach (var replica in replicas)
        {
            await replica.Budgets.DisposeAsync();
        }
    }
}
