using SendGate.Access;
using SendGate.Core.Domain;
using SendGate.Server.Access;

namespace SendGate.Server.Tests;

public sealed class AccessRulesTests
{
    [Fact]
    public void TokenBucket_RefillsAtItsRate_AndRefusesAllOrNothing()
    {
        var clock = new ManualClock();
        var bucket = new TokenBucket(capacity: 100, ratePerSecond: 50, clock);

        Assert.True(bucket.TryTake(80, out _));
        Assert.False(bucket.TryTake(30, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(0.2), wait); // 10 missing at 50/s
        Assert.True(bucket.TryTake(20, out _));       // the refusal took nothing
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(bucket.TryTake(100, out _));      // refilled, but never above capacity
        Assert.False(bucket.TryTake(1, out _));
        Assert.False(bucket.TryTake(101, out var never));
        Assert.Equal(Timeout.InfiniteTimeSpan, never);
    }

    [Fact]
    public void Validate_NamesEverySettingThatCannotWork()
    {
        var options = new AccessOptions
        {
            Clients =
            {
                ["nokey"] = new ClientOptions { Grants = [new GrantOptions { IysCode = 1, Channels = [Channel.Mesaj] }] },
                ["plainkey"] = new ClientOptions { KeyHashes = ["sgk_oops-this-is-the-key"], Grants = [new GrantOptions { IysCode = 1, Channels = [Channel.Mesaj] }] },
                ["nogrants"] = new ClientOptions { KeyHashes = [ApiKeys.Hash("a")] },
                ["nochannel"] = new ClientOptions { KeyHashes = [ApiKeys.Hash("b")], Grants = [new GrantOptions { IysCode = 1 }] },
                ["smallburst"] = new ClientOptions { KeyHashes = [ApiKeys.Hash("c")], Grants = [new GrantOptions { IysCode = 1, Channels = [Channel.Mesaj] }], Burst = 10, MaxBatch = 100 },
                ["zerorate"] = new ClientOptions { KeyHashes = [ApiKeys.Hash("d")], Grants = [new GrantOptions { IysCode = 1, Channels = [Channel.Mesaj] }], RecipientsPerSecond = 0 },
            },
        };

        var errors = ClientDirectory.Validate(options);

        Assert.Contains(errors, e => e.Contains("Access:Clients:nokey has neither", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Access:Clients:plainkey:KeyHashes", StringComparison.Ordinal) && !e.Contains("oops-this-is-the-key", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Access:Clients:nogrants has no Grants", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Access:Clients:nochannel:Grants:0:Channels", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Access:Clients:smallburst:Burst", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Access:Clients:zerorate: RecipientsPerSecond", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => new ClientDirectory(options, TimeProvider.System));
    }

    [Fact]
    public void Keys_AreFoundByTheirHashOnly()
    {
        string key = ApiKeys.Generate();
        var options = new AccessOptions { Clients = { ["acme"] = new ClientOptions { KeyHashes = [ApiKeys.Hash(key)], Grants = [new GrantOptions { IysCode = 1, Channels = [Channel.Mesaj] }] } } };
        var directory = new ClientDirectory(options, TimeProvider.System);

        Assert.StartsWith(ApiKeys.Prefix, key, StringComparison.Ordinal);
        Assert.Equal("acme", directory.FindByKey(key)?.Name);
        Assert.Null(directory.FindByKey(key.AsSpan(0, key.Length - 1)));
        Assert.Null(directory.FindByKey(ApiKeys.Hash(key)));
    }

    [Theory]
    [InlineData(AccessMode.Auto, true, 0, false)]
    [InlineData(AccessMode.Auto, true, 1, true)]
    [InlineData(AccessMode.Auto, false, 1, true)]
    [InlineData(AccessMode.Off, false, 0, false)]
    [InlineData(AccessMode.Required, true, 1, true)]
    public void Mode_ResolvesAgainstWhereThePortListens(AccessMode mode, bool loopbackOnly, int clients, bool required)
    {
        var options = new AccessOptions { Mode = mode };
        for (int i = 0; i < clients; i++)
        {
            options.Clients[$"c{i}"] = new ClientOptions();
        }

        Assert.Equal(required, AccessSettings.Resolve(options, loopbackOnly).Required);
    }

    [Theory]
    [InlineData(AccessMode.Auto, false)]
    [InlineData(AccessMode.Required, true)]
    public void RequiredWithoutClients_StopsTheStart(AccessMode mode, bool loopbackOnly)
    {
        var error = Assert.Throws<InvalidOperationException>(() => AccessSettings.Resolve(new AccessOptions { Mode = mode }, loopbackOnly));

        Assert.Contains("Access:Clients", error.Message, StringComparison.Ordinal);
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
