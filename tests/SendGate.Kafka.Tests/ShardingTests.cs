using System.CommandLine;
using System.Globalization;
using System.Text;
using Grpc.Core;
using SendGate.Cli;
using SendGate.Client;
using SendGate.Contracts.V1;
using SendGate.Tests.Support;
using BrandPlacement = SendGate.Core.Domain.BrandPlacement;
using Reason = SendGate.Contracts.V1.Reason;

namespace SendGate.Kafka.Tests;

/// <summary>
/// Brand-sharded serving on a brand-placed topic: three shard processes (one partition each, shard 0 with a
/// replica) answer through <see cref="ShardedGate"/> exactly as one unsharded gate on the same topic; a shard
/// refuses a brand placed elsewhere with a definite status; and with a shard's every replica gone, only its
/// brands are denied (REASON_DENIED_SHARD_UNAVAILABLE) while the others are answered as before. A sliced brand's
/// batch is split over the shards by its recipients' keys and merged back in order. Line closures are on their own
/// topic, which every shard reads whole.
/// </summary>
[Collection(SharedBroker.Name)]
public sealed class ShardingTests(KafkaBroker broker)
{
    private const string Topic = "consents-sharded", Closures = Topic + ".closures";
    private const int Partitions = 3;
    private static readonly uint[] Brands = [.. Enumerable.Range(300_001, 9).Select(b => (uint)b)];

    /// <summary>A brand too big for one shard: its recipients spread over all three partitions by their keys.</summary>
    private const uint Sliced = 300_010;
    private const int SlicedPhones = 24;

    [Fact]
    public async Task ThreeShardsAndAReplica_AnswerLikeOneGate_AndADeadShardCostsOnlyItsBrands()
    {
        Assert.Equal(Enumerable.Range(0, Partitions), Brands.Select(b => BrandPlacement.Partition(b, Partitions)).Distinct().Order()); // every shard holds brands
        await broker.CreateTopicAsync(Topic, Partitions);
        await broker.CreateTopicAsync(Closures, 1);
        await broker.CreateTopicAsync(Topic + ".dlq", 1, "delete");
        await PublishAsync();
        Assert.Equal(Brands.Length, broker.ReadAll(Closures).Count); // one per closure, not one per partition

        using var whole = GateProcess.Start(Unsharded());
        using var shard0 = GateProcess.Start(Shard(0));
        using var shard0Replica = GateProcess.Start(Shard(0));
        using var shard1 = GateProcess.Start(Shard(1));
        using var shard2 = GateProcess.Start(Shard(2));
        var gates = new[] { whole, shard0, shard0Replica, shard1, shard2 };
        await Task.WhenAll(gates.Select(gate => gate.ReadyAsync(TimeSpan.FromSeconds(120))));
        var map = new ShardMap
        {
            Partitions = Partitions,
            SlicedBrands = { ["300010"] = 3 },
            Shards =
            [
                new() { Partitions = [0], Addresses = [shard0.Address.ToString(), shard0Replica.Address.ToString()] },
                new() { Partitions = [1], Addresses = [shard1.Address.ToString()] },
                new() { Partitions = [2], Addresses = [shard2.Address.ToString()] },
            ],
        };
        using var sharded = new ShardedGate(map, new GateClientOptions { MaxAttempts = 1 }, GateHost.Hasher);
        using var wholeChannel = GateChannel.Create(new GateClientOptions { Address = whole.Address, MaxAttempts = 1 });
        var unsharded = new Gate.GateClient(wholeChannel);

        foreach (uint brand in Brands)
        {
            var expected = await unsharded.CheckAsync(Request(brand));
            var answered = await sharded.CheckAsync(Request(brand));
            Assert.Equal([Reason.AllowedConsent, Reason.DeniedRefused, Reason.DeniedNoConsent, Reason.DeniedLineClosed], expected.Reasons.Select(r => (Reason)r));
            Assert.Equal(expected.Reasons, answered.Reasons);
            Assert.Equal([(Topic, BrandPlacement.Partition(brand, Partitions)), (Closures, 0)], answered.Watermark.Positions.Select(p => (p.Topic, p.Partition))); // the shard's own watermark
            var explained = await sharded.ExplainAsync(new ExplainRequest { IysCode = 123456, BrandCode = brand, Channel = Channel.Mesaj, Recipient = Phone(brand, 2) });
            Assert.Equal(Reason.DeniedRefused, explained.Reason);
        }

        var slicedExpected = await unsharded.CheckAsync(SlicedRequest());
        var slicedAnswered = await sharded.CheckAsync(SlicedRequest());
        Assert.Equal(Enumerable.Range(1, SlicedPhones).Select(n => n % 2 == 1 ? Reason.AllowedConsent : Reason.DeniedRefused), slicedExpected.Reasons.Select(r => (Reason)r));
        Assert.Equal(slicedExpected.Reasons, slicedAnswered.Reasons); // split over the shards, merged in request order
        Assert.Equal([0, 1, 2], slicedAnswered.Watermark.Positions.Where(p => p.Topic == Topic).Select(p => p.Partition).Order());
        Assert.Equal((long)Brands.Length, slicedAnswered.Watermark.Positions.Single(p => p.Topic == Closures).Offset); // every shard's closures, once
        Assert.Equal((uint)(SlicedPhones / 2), slicedAnswered.Allowed);

        uint onShard1 = Brands.First(b => BrandPlacement.Partition(b, Partitions) == 1);
        using (var direct = GateChannel.Create(new GateClientOptions { Address = shard2.Address, MaxAttempts = 1 }))
        {
            var wrong = await Assert.ThrowsAsync<RpcException>(() => new Gate.GateClient(direct).CheckAsync(Request(onShard1)).ResponseAsync);
            Assert.Equal(StatusCode.FailedPrecondition, wrong.StatusCode);
            Assert.Contains($"Brand {onShard1} is on partition 1 of 3", wrong.Status.Detail, StringComparison.Ordinal);
            var partly = await Assert.ThrowsAsync<RpcException>(() => new Gate.GateClient(direct).CheckAsync(SlicedRequest()).ResponseAsync);
            Assert.Equal(StatusCode.FailedPrecondition, partly.StatusCode); // holds one slice of three: not the whole batch
        }

        shard1.KillHard();
        shard0.KillHard(); // shard 0 still has its replica

        foreach (uint brand in Brands)
        {
            var answered = await sharded.CheckAsync(Request(brand), deadline: DateTime.UtcNow.AddSeconds(10));
            var expected = BrandPlacement.Partition(brand, Partitions) == 1
                ? Enumerable.Repeat(Reason.DeniedShardUnavailable, 4)
                : (await unsharded.CheckAsync(Request(brand))).Reasons.Select(r => (Reason)r);
            Assert.Equal(expected, answered.Reasons.Select(r => (Reason)r));
        }

        var placement = map.Placement();
        var slicedAfter = await sharded.CheckAsync(SlicedRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
        var onDeadShard = Enumerable.Range(1, SlicedPhones).Select(n => placement.PartitionOf(Sliced, Key(Phone(Sliced, n))) == 1).ToArray();
        Assert.Contains(true, onDeadShard);
        Assert.Contains(false, onDeadShard);
        Assert.Equal(slicedExpected.Reasons.Select((r, i) => onDeadShard[i] ? Reason.DeniedShardUnavailable : (Reason)r), slicedAfter.Reasons.Select(r => (Reason)r));
    }

    private static CheckRequest SlicedRequest()
    {
        var request = new CheckRequest { IysCode = 123456, BrandCode = Sliced, Channel = Channel.Mesaj };
        request.Recipients.AddRange(Enumerable.Range(1, SlicedPhones).Select(n => Phone(Sliced, n)));
        return request;
    }

    private static Core.Hashing.RecipientKey Key(string phone)
    {
        Assert.Equal(Core.Recipients.RecipientError.None, GateHost.Hasher.TryHash(phone.AsSpan(), Core.Domain.Channel.Mesaj, out var key));
        return key;
    }

    private Dictionary<string, string?> Shard(int partition)
    {
        var settings = Unsharded();
        settings["Shard:Partitions:0"] = partition.ToString(CultureInfo.InvariantCulture);
        settings["Feed:Kafka:SlicedBrands:300010"] = "3";
        return settings;
    }

    /// <summary>A gate of the brand-placed topic set: it reads the closure topic too.</summary>
    private Dictionary<string, string?> Unsharded()
    {
        var settings = broker.GateSettings(Topic, Topic + ".dlq");
        settings["Feed:Kafka:Placement"] = "Brand";
        return settings;
    }

    private static CheckRequest Request(uint brand) => new()
    {
        IysCode = 123456,
        BrandCode = brand,
        Channel = Channel.Mesaj,
        Recipients = { Phone(brand, 1), Phone(brand, 2), Phone(brand, 3), Phone(brand, 4) },
    };

    /// <summary>Brand b's n-th phone: 0532, b mod 10^5, n (two digits) — distinct across brands, so one brand's closure is not another's.</summary>
    private static string Phone(uint brand, int n) => string.Create(CultureInfo.InvariantCulture, $"0532{brand % 100_000:00000}{n:00}");

    /// <summary>Per brand: an ONAY (1), a RET (2), nothing (3), an ONAY older than its line's closure (4) — published placed by brand.</summary>
    private async Task PublishAsync()
    {
        var lines = new StringBuilder();
        foreach (uint brand in Brands)
        {
            lines.AppendLine(Record(brand, Phone(brand, 1), "ONAY", "2024-03-01 10:00:00"));
            lines.AppendLine(Record(brand, Phone(brand, 2), "RET", "2024-03-01 10:00:00"));
            lines.AppendLine(Record(brand, Phone(brand, 4), "ONAY", "2023-01-01 10:00:00"));
            lines.AppendLine(string.Create(CultureInfo.InvariantCulture, $$"""{"recipient":"{{Phone(brand, 4)}}","lineClosedDate":"2024-05-01 00:00:00"}"""));
        }

        for (int n = 1; n <= SlicedPhones; n++)
        {
            lines.AppendLine(Record(Sliced, Phone(Sliced, n), n % 2 == 1 ? "ONAY" : "RET", "2024-03-01 10:00:00"));
        }

        string directory = Directory.CreateTempSubdirectory("sendgate-sharded-").FullName;
        string file = Path.Combine(directory, "consents.jsonl"), config = Path.Combine(directory, "config.json");
        await File.WriteAllTextAsync(file, lines.ToString());
        await File.WriteAllTextAsync(config, $$"""{ "Hashing": { "Key": "{{GateHost.KeyBase64}}" }, "Feed": { "Kafka": { "Placement": "Brand", "SlicedBrands": { "300010": 3 }, "Properties": { "api.version.request": "false", "broker.version.fallback": "0.9.0.1" } } } }""");
        var error = new StringWriter();
        int exit = await SendGateCli.Root().Parse(["publish", "--from", file, "--bootstrap", broker.Bootstrap, "--topic", Topic, "--config", config, "--quiet"])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.True(exit == 0, error.ToString());
        Directory.Delete(directory, recursive: true);
    }

    private static string Record(uint brand, string phone, string status, string date) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"iysCode":123456,"brandCode":{{brand}},"type":"MESAJ","recipientType":"BIREYSEL","recipient":"{{phone}}","status":"{{status}}","source":"HS_WEB","consentDate":"{{date}}","creationDate":"{{date}}","transactionId":"t-{{brand}}-{{phone}}"}""");
}
