using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace SendGate.Access.Redis.Tests;

/// <summary>
/// Replicas (each its own <see cref="SharedBudgets"/> and connection, as separate gates have) spending one client's
/// budget as fast as they can: together they admit no more than the grant, across a Redis outage too.
/// </summary>
public sealed class SharedBudgetTests
{
    private const long Rate = 20_000; // recipients per second, fleet-wide
    private const long Burst = 20_000;
    private const int Batch = 100;

    [Theory]
    [InlineData("redis")]
    [InlineData("garnet")]
    public async Task ThreeReplicas_AdmitOneGrantBetweenThem(string server)
    {
        await using var redis = await RedisServer.StartAsync(server);
        var since = Stopwatch.StartNew(); // the bucket exists from the first lease on: the grant counts from there
        var replicas = await ReplicasAsync(redis.ConnectionString, WhenUnavailable.Refuse, 3);

        var (admitted, _) = await SpendAsync(replicas, TimeSpan.FromSeconds(2));

        // Never more than the grant (tokens leave Redis before they are spent); more than the first burst: the
        // replicas kept leasing. (How close to the grant they get depends on the machine's load, not asserted.)
        double grant = Burst + (Rate * since.Elapsed.TotalSeconds);
        Assert.InRange(admitted, Burst / 2, grant);
        await DisposeAsync(replicas);
    }

    [Fact]
    public async Task RedisKilledAndRestarted_NoMoreThanTheGrantPlusTheRestartsBurst_AndSharingResumesWithoutARestart()
    {
        await using var redis = await RedisServer.StartAsync();
        var since = Stopwatch.StartNew();
        var replicas = await ReplicasAsync(redis.ConnectionString, WhenUnavailable.Refuse, 3);
        var outage = Task.Run(async () =>
        {
            await Task.Delay(700);
            await redis.KillAsync();
            await Task.Delay(700);
            await redis.RestartAsync();
        });

        var (admitted, _) = await SpendAsync(replicas, TimeSpan.FromSeconds(3.5));
        await outage;
        double grant = (2 * Burst) + (Rate * since.Elapsed.TotalSeconds);
        var (after, afterElapsed) = await SpendAsync(replicas, TimeSpan.FromSeconds(1));

        // Redis forgot the bucket when it restarted: it starts full again, one burst more. Nothing else is over.
        Assert.InRange(admitted, 1, grant);
        Assert.True(replicas.All(r => r.Budgets.IsAvailable), "every replica is back on the shared budget");
        Assert.InRange(after, Batch, Burst + (Rate * (afterElapsed.TotalSeconds + 0.2)));
        await DisposeAsync(replicas);
    }

    [Fact]
    public async Task RedisDown_LocalMode_EachReplicaFallsBackToABudgetOfItsOwn()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.KillAsync(); // never up: the replicas start without it
        var replicas = await ReplicasAsync(redis.ConnectionString, WhenUnavailable.Local, 2, waitForLease: false);

        var (admitted, spending) = await SpendAsync(replicas, TimeSpan.FromSeconds(1.5));

        double perReplica = Burst + (Rate * spending.TotalSeconds); // a local bucket holds at most a burst when spending starts
        Assert.InRange(admitted, 1.5 * Burst, 2 * perReplica); // beyond one replica's burst: each spends its own, the documented price of failing open
        Assert.All(replicas, replica => Assert.False(replica.Budgets.IsAvailable));
        await DisposeAsync(replicas);
    }

    private sealed record Replica(SharedBudgets Budgets, IRateBudget Budget);

    private static async Task<List<Replica>> ReplicasAsync(string redis, WhenUnavailable whenUnavailable, int count, bool waitForLease = true)
    {
        string prefix = "test-" + Guid.NewGuid().ToString("N")[..8] + ":";
        var replicas = new List<Replica>();
        for (int i = 0; i < count; i++)
        {
            var options = new SharedLimitsOptions { Redis = redis, WhenUnavailable = whenUnavailable, KeyPrefix = prefix, Timeout = TimeSpan.FromMilliseconds(300) };
            var budgets = SharedBudgets.Connect(options, TimeProvider.System, new SharedBudgetMetrics(), NullLogger.Instance);
            replicas.Add(new Replica(budgets, budgets.Create("acme", "recipients", Burst, Rate)));
        }

        if (waitForLease)
        {
            await Task.Delay(200); // the first slices arrive
        }

        return replicas;
    }

    /// <summary>Every replica takes batches as fast as it can (a busy gate's admissions); recipients admitted in all.</summary>
    private static async Task<(long Admitted, TimeSpan Elapsed)> SpendAsync(List<Replica> replicas, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var spenders = replicas.Select(replica => Task.Run(async () =>
        {
            long admitted = 0;
            while (clock.Elapsed < duration)
            {
                if (replica.Budget.TryTake(Batch, out _))
                {
                    admitted += Batch;
                }
                else
                {
                    await Task.Delay(1);
                }
            }

            return admitted;
        })).ToArray();
        long total = (await Task.WhenAll(spenders)).Sum();
        return (total, clock.Elapsed);
    }

    private static async Task DisposeAsync(List<Replica> replicas)
    {
        foreach (var replica in replicas)
        {
            await replica.Budgets.DisposeAsync();
        }
    }
}
