using Grpc.Core;
using SendGate.Client;
using SendGate.Contracts.V1;
using SendGate.LoadDriver.Measuring;
using SendGate.Tests.Support;

namespace SendGate.Access.Redis.Tests;

/// <summary>
/// Two gate processes behind no balancer but the test's own, one Redis between them: a client's burst is admitted
/// once by the pair (not once each), nothing beyond the leases while Redis is down (Refuse), and once more after
/// Redis restarts — without restarting the gates. The refill (one recipient a second) is negligible beside the burst,
/// so the assertions are counts.
/// </summary>
public sealed class FleetBudgetTests
{
    private const string Key = "sgk_fleet-test-key-0123456789abcdef";
    private const int Rate = 1;
    private const int Burst = 4_000;
    private const int Batch = 100;

    [Fact]
    public async Task TwoGates_SharingRedis_AdmitOneBurst_AndOneMoreAfterARedisRestart()
    {
        await using var redis = await RedisServer.StartAsync();
        string directory = Directory.CreateTempSubdirectory("sendgate-fleet-").FullName;
        string consents = Path.Combine(directory, "consents.jsonl");
        await File.WriteAllTextAsync(consents, Consents.File);
        var since = DateTime.UtcNow;
        using var first = GateProcess.Start(Settings(consents, redis.ConnectionString));
        using var second = GateProcess.Start(Settings(consents, redis.ConnectionString));
        var gates = new[] { first, second };
        await Task.WhenAll(gates.Select(gate => gate.ReadyAsync(TimeSpan.FromSeconds(60))));

        var before = await SpendAsync(gates, redisAnswering: true, atLeast: Burst - (2 * Batch));
        await redis.KillAsync();
        var during = await SpendAsync(gates, redisAnswering: false, atLeast: 0);
        await redis.RestartAsync();
        var after = await SpendAsync(gates, redisAnswering: true, atLeast: Burst - (2 * Batch));

        double refill = Rate * (DateTime.UtcNow - since).TotalSeconds; // a few recipients: the grant's time term
        Assert.InRange(before.Sum(), Burst - (2 * Batch), Burst + refill);
        Assert.True(before.All(a => a > 0), $"each gate admitted some: {string.Join(", ", before)}");
        Assert.Equal(0, during.Sum()); // Refuse: the leases hold less than a batch, and Redis does not answer
        Assert.InRange(before.Sum() + after.Sum(), (2 * Burst) - (2 * Batch), (2 * Burst) + refill); // Redis forgot the bucket: one burst more
        foreach (var gate in gates)
        {
            string metrics = await MetricsAsync(gate);
            Assert.True(PrometheusText.Sum(metrics, "sendgate_access_shared_leases_total", ("outcome", "failed")) >= 1, "the outage was seen");
            Assert.Equal(1, PrometheusText.Sum(metrics, "sendgate_access_shared_redis_available")); // and is over, without a restart
        }

        Directory.Delete(directory, recursive: true);
    }

    private static Dictionary<string, string?> Settings(string consents, string redis) => new()
    {
        ["Feed:File:Path"] = consents,
        ["Access:Mode"] = "Required",
        ["Access:Clients:sms:KeyHashes:0"] = ApiKeys.Hash(Key),
        ["Access:Clients:sms:Grants:0:IysCode"] = "123456",
        ["Access:Clients:sms:Grants:0:Channels:0"] = "MESAJ",
        ["Access:Clients:sms:RecipientsPerSecond"] = Rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Access:Clients:sms:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Access:Clients:sms:MaxBatch"] = Batch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Access:SharedLimits:Redis"] = redis,
        ["Access:SharedLimits:WhenUnavailable"] = "Refuse",
    };

    /// <summary>
    /// Checks of 100 recipients on both gates in turn until neither has admitted one for a second, counted from when
    /// both report Redis answering (<paramref name="redisAnswering"/>) or both have noticed it does not, and they
    /// have admitted <paramref name="atLeast"/> (a reconnecting gate refuses for a while: that is not the budget's end).
    /// Recipients admitted per gate.
    /// </summary>
    private static async Task<long[]> SpendAsync(GateProcess[] gates, bool redisAnswering, long atLeast)
    {
        var channels = gates.Select(gate => GateChannel.Create(new GateClientOptions { Address = gate.Address, ApiKey = Key, MaxAttempts = 1 })).ToArray();
        var request = new CheckRequest { IysCode = 123456, BrandCode = Consents.Brand, Channel = Channel.Mesaj };
        request.Recipients.AddRange(Enumerable.Range(0, Batch).Select(i => "0532" + (1_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var admitted = new long[gates.Length];
        var quietSince = DateTime.UtcNow;
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(90)); // bounds a hang, asserts no speed
        while (!giveUp.IsCancellationRequested && DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(1))
        {
            if (admitted.Sum() < atLeast || !(await Task.WhenAll(gates.Select(AvailableAsync))).All(available => available == redisAnswering))
            {
                quietSince = DateTime.UtcNow;
            }

            for (int i = 0; i < gates.Length; i++)
            {
                try
                {
                    await new Gate.GateClient(channels[i]).CheckAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
                    admitted[i] += Batch;
                    quietSince = DateTime.UtcNow;
                }
                catch (RpcException refused) when (refused.StatusCode == StatusCode.ResourceExhausted)
                {
                    await Task.Delay(5);
                }
            }
        }

        foreach (var channel in channels)
        {
            channel.Dispose();
        }

        return admitted;
    }

    private static async Task<bool> AvailableAsync(GateProcess gate) => PrometheusText.Sum(await MetricsAsync(gate), "sendgate_access_shared_redis_available") == 1;

    private static async Task<string> MetricsAsync(GateProcess gate)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri(gate.Admin, "/metrics"));
    }
}
