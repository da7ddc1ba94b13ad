using System.Diagnostics;
using Grpc.Core;
using SendGate.Client;
using SendGate.Contracts.V1;
using SendGate.LoadDriver.Measuring;
using SendGate.Tests.Support;

namespace SendGate.Access.Redis.Tests;

/// <summary>
/// Two gate processes behind no balancer but the test's own round robin, one Redis between them: a client granted
/// R recipients/s gets R from the pair (not 2R), also across a Redis kill and restart, and each gate counts it.
/// </summary>
public sealed class FleetBudgetTests
{
    private const string Key = "sgk_fleet-test-key-0123456789abcdef";
    private const int Rate = 4_000;
    private const int Burst = 4_000;
    private const int Batch = 100;

    [Fact]
    public async Task TwoGates_SharingRedis_AdmitOneGrant_AcrossARedisRestart()
    {
        await using var redis = await RedisServer.StartAsync();
        string directory = Directory.CreateTempSubdirectory("sendgate-fleet-").FullName;
        string consents = Path.Combine(directory, "consents.jsonl");
        await File.WriteAllTextAsync(consents, Consents.File);
        var since = Stopwatch.StartNew();
        using var first = GateProcess.Start(Settings(consents, redis.ConnectionString));
        using var second = GateProcess.Start(Settings(consents, redis.ConnectionString));
        await Task.WhenAll(first.ReadyAsync(TimeSpan.FromSeconds(60)), second.ReadyAsync(TimeSpan.FromSeconds(60)));
        var outage = Task.Run(async () =>
        {
            await Task.Delay(1_500);
            await redis.KillAsync();
            await Task.Delay(1_000);
            await redis.RestartAsync();
        });

        var admitted = await Task.WhenAll(SpendAsync(first.Address, TimeSpan.FromSeconds(5)), SpendAsync(second.Address, TimeSpan.FromSeconds(5)));
        await outage;

        // The grant since the buckets first existed, one more burst for the restart (Redis forgot the buckets):
        double grant = (2 * Burst) + (Rate * since.Elapsed.TotalSeconds);
        long total = admitted.Sum();
        Assert.InRange(total, Batch, grant);
        Assert.True(admitted.All(a => a > 0), $"each gate admitted some: {string.Join(", ", admitted)}");
        foreach (var gate in new[] { first, second })
        {
            using var http = new HttpClient();
            string metrics = await http.GetStringAsync(new Uri(gate.Admin, "/metrics"));
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
        ["Access:SharedLimits:Redis"] = redis,
        ["Access:SharedLimits:WhenUnavailable"] = "Refuse",
        ["Access:SharedLimits:Timeout"] = "00:00:00.300",
    };

    /// <summary>Four callers on one gate, each sending 100-recipient Checks as fast as admitted; recipients admitted.</summary>
    private static async Task<long> SpendAsync(Uri gate, TimeSpan duration)
    {
        using var channel = GateChannel.Create(new GateClientOptions { Address = gate, ApiKey = Key, MaxAttempts = 1 });
        var client = new Gate.GateClient(channel);
        var request = new CheckRequest { IysCode = 123456, BrandCode = Consents.Brand, Channel = Channel.Mesaj };
        request.Recipients.AddRange(Enumerable.Range(0, Batch).Select(i => "0532" + (1_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var clock = Stopwatch.StartNew();
        var callers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            long admitted = 0;
            while (clock.Elapsed < duration)
            {
                try
                {
                    await client.CheckAsync(request, deadline: DateTime.UtcNow.AddSeconds(5));
                    admitted += Batch;
                }
                catch (RpcException refused) when (refused.StatusCode == StatusCode.ResourceExhausted)
                {
                    await Task.Delay(2);
                }
            }

            return admitted;
        })).ToArray();
        return (await Task.WhenAll(callers)).Sum();
    }
}
