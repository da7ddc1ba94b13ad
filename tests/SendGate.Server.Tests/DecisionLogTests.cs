using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SendGate.Audit;
using SendGate.Core.Domain;

namespace SendGate.Server.Tests;

/// <summary>The decision log's promises under pressure: appending never waits, a full queue drops and counts, a failing sink is counted.</summary>
public sealed class DecisionLogTests
{
    [Fact]
    public async Task FullQueue_DropsAndCounts_WithoutBlockingTheCaller()
    {
        using var blocked = new BlockingSink();
        using var log = new DecisionLog(Options.Create(new DecisionLogOptions { Capacity = 1024 }), [blocked], NullLogger<DecisionLog>.Instance);
        await log.StartAsync(CancellationToken.None);

        var appending = Task.Run(() =>
        {
            for (int i = 0; i < 5_000; i++)
            {
                log.Append(Record(i));
            }
        });

        // The sink holds the writer: if Append waited for room, this would not finish.
        await appending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.InRange(log.Dropped, 5_000 - 1024 - 1, 5_000 - 1024); // the writer may hold one record outside the queue
        blocked.Release.Set();
        await log.StopAsync(CancellationToken.None);
        Assert.Equal(5_000 - log.Dropped, blocked.Written);
        Assert.Equal(blocked.Written, log.Written);
    }

    [Fact]
    public async Task FailingSink_IsCounted_AndTheOtherSinkStillGetsEveryRecord()
    {
        using var good = new BlockingSink();
        good.Release.Set();
        using var log = new DecisionLog(Options.Create(new DecisionLogOptions()), [new FailingSink(), good], NullLogger<DecisionLog>.Instance);
        await log.StartAsync(CancellationToken.None);

        for (int i = 0; i < 10; i++)
        {
            log.Append(Record(i));
        }

        await log.StopAsync(CancellationToken.None);
        Assert.Equal(10, good.Written);
        Assert.Equal(10, log.Failed);
        Assert.Equal(0, log.Written);
    }

    [Fact]
    public void KeysDigest_IsSha256OverTheKeys_ZerosForAnInvalidOne()
    {
        byte[] key = [.. Enumerable.Range(1, 16).Select(b => (byte)b)];
        var running = KeysDigest.Begin();
        running.AppendData(key);
        running.AppendData(new byte[16]);

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(key), KeysDigest.Of(key));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(new byte[16]), KeysDigest.Of([]));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData([.. key, .. new byte[16]]), running.GetHashAndReset());
    }

    private static DecisionRecord Record(int i) => new(
        DateTimeOffset.UnixEpoch.AddSeconds(i), "Check", "test", $"r{i}", 123456, 123457, Channel.Mesaj, RecipientType.Bireysel, MessageKind.Commercial,
        1, ReasonCounts.One(Reason.AllowedConsent), new AuditWatermark(1, "t/0@1", null, null), new byte[32]);

    private sealed class BlockingSink : IDecisionSink
    {
        public ManualResetEventSlim Release { get; } = new();

        public int Written { get; private set; }

        public void Write(ReadOnlySpan<byte> json, DecisionRecord record)
        {
            Release.Wait();
            Written++;
        }

        public void Flush()
        {
        }

        public void Dispose() => Release.Dispose();
    }

    private sealed class FailingSink : IDecisionSink
    {
        public void Write(ReadOnlySpan<byte> json, DecisionRecord record) => throw new IOException("disk full");

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }
}
