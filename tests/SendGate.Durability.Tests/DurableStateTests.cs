using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Recipients;
using SendGate.Core.Hashing;
using SendGate.Feed.Checkpoints;
using SendGate.Tests.Support;

namespace SendGate.Durability.Tests;

public sealed class DurableStateTests : IDisposable
{
    private readonly string _path = Directory.CreateTempSubdirectory("sendgate-durable-").FullName;

    [Fact]
    public void Recover_NoCheckpoint_StartsEmptyForAFullReplay()
    {
        using var state = new DurableState(_path);

        Assert.Null(state.Recover());
        Assert.Equal(0, state.Store.Index.Count);
        Assert.Contains(state.Log.Lines, line => line.Contains("No valid checkpoint", StringComparison.Ordinal));
    }

    [Fact]
    public void Restart_AfterCheckpoint_RestoresIndexRecordsAndPosition()
    {
        var changes = ConsentModel.RandomChanges(seed: 1, count: 20_000, recipients: 3_000).ToList();
        var model = Fold(changes);
        var point = new FeedResumePoint("kafka:consents", [17, 4, 99]);
        using (var state = new DurableState(_path))
        {
            state.Recover();
            state.Apply(changes);
            state.Checkpoint(point);
        }

        using var restarted = new DurableState(_path);
        var resumed = restarted.Recover();

        Assert.Equal(point, resumed, FeedResumePointComparer.Instance);
        Assert.Equal(model.Records.Count, restarted.Store.Index.Count);
        Assert.Equal(model.Records.Count, restarted.Records.Count);
        Assert.Equal(model.Closures.Count, restarted.Store.Index.ClosureCount);
        foreach (var (key, record) in model.Records)
        {
            Assert.Equal(record.State, restarted.Store.Index.Lookup(key).State);
            Assert.Equal(record, restarted.Records.Find(key)); // the full record, evidence included: what Explain returns
        }

        foreach (var (recipient, closedAt) in model.Closures)
        {
            Assert.Equal(closedAt, restarted.Store.Index.ClosureOf(recipient));
        }

        Assert.Equal(model.Digest().ToString(), restarted.Digest().ToString());
        Assert.Contains(restarted.Log.Lines, line => line.StartsWith("Information: Hot index loaded from snapshot 000000000001.sgsnap", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckpointWrittenWhileTheFeedGoesOn_ResumesAtItsPosition_AndTheReplayFromThereEqualsTheWholeFold()
    {
        var changes = ConsentModel.RandomChanges(seed: 31, count: 40_000, recipients: 6_000).ToList();
        var model = Fold(changes);
        var point = new FeedResumePoint("kafka:consents", [20_000]);
        using (var state = new DurableState(_path))
        {
            state.Recover();
            state.Apply(changes.Take(20_000));
            state.Checkpoints.BeginCheckpoint(point); // returns once fixed; FASTER and the snapshot are written meanwhile
            state.Apply(changes.Skip(20_000));
            state.Checkpoints.WaitForInFlight();
            Assert.Contains(state.Log.Lines, line => line.Contains(") taken in", StringComparison.Ordinal) && line.Contains("the feed held", StringComparison.Ordinal));
        } // a crash: no checkpoint at the end

        using var restarted = new DurableState(_path);
        var resumed = restarted.Recover();
        Assert.Equal(point, resumed, FeedResumePointComparer.Instance);
        Assert.Contains(restarted.Log.Lines, line => line.StartsWith("Information: Hot index loaded from snapshot 000000000001.sgsnap", StringComparison.Ordinal));

        restarted.Apply(changes.Skip(20_000)); // the feed, resumed at the checkpoint's position: some of these are in the state already
        Assert.Equal(model.Records.Count, restarted.Store.Index.Count);
        Assert.Equal(model.Closures.Count, restarted.Store.Index.ClosureCount);
        foreach (var (key, record) in model.Records)
        {
            Assert.Equal(record.State, restarted.Store.Index.Lookup(key).State);
            Assert.Equal(record, restarted.Records.Find(key));
        }

        foreach (var (recipient, closedAt) in model.Closures)
        {
            Assert.Equal(closedAt, restarted.Store.Index.ClosureOf(recipient));
        }

        Assert.Equal(model.Digest().ToString(), restarted.Digest().ToString());
    }

    [Theory]
    [InlineData("corrupt")]
    [InlineData("missing")]
    [InlineData("off")]
    public void Restart_WithoutAUsableSnapshot_RebuildsTheIndexFromTheLog_AndGoesOn(string snapshot)
    {
        var changes = ConsentModel.RandomChanges(seed: 11, count: 8_000, recipients: 1_500).ToList();
        var point = new FeedResumePoint("kafka:consents", [4_000]);
        using (var state = new DurableState(_path, snapshots: snapshot != "off"))
        {
            state.Recover();
            state.Apply(changes.Take(4_000));
            state.Checkpoint(point);
        }

        string file = Path.Combine(_path, "snapshots", "000000000001.sgsnap");
        Assert.Equal(snapshot != "off", File.Exists(file));
        if (snapshot == "corrupt")
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
            stream.Position = stream.Length / 2;
            int b = stream.ReadByte();
            stream.Position--;
            stream.WriteByte((byte)(b ^ 0x5A));
        }
        else if (snapshot == "missing")
        {
            File.Delete(file);
        }

        using var restarted = new DurableState(_path);
        Assert.Equal(point, restarted.Recover(), FeedResumePointComparer.Instance);
        Assert.DoesNotContain(restarted.Log.Lines, line => line.Contains("loaded from snapshot", StringComparison.Ordinal));
        if (snapshot != "off")
        {
            Assert.Contains(restarted.Log.Lines, line => line.StartsWith("Warning: Index snapshot of checkpoint 1 not used", StringComparison.Ordinal));
        }

        var model = Fold(changes.Take(4_000));
        Assert.Equal(model.Records.Count, restarted.Store.Index.Count);
        foreach (var (key, record) in model.Records)
        {
            Assert.Equal(record.State, restarted.Store.Index.Lookup(key).State);
        }

        // The rest of the feed applies on top, and the next restart loads that checkpoint's snapshot.
        restarted.Apply(changes.Skip(4_000));
        restarted.Checkpoint(new FeedResumePoint("kafka:consents", [8_000]));
        restarted.Dispose();
        using var again = new DurableState(_path);
        again.Recover();
        Assert.Contains(again.Log.Lines, line => line.StartsWith("Information: Hot index loaded from snapshot 000000000002.sgsnap", StringComparison.Ordinal));
        var all = Fold(changes);
        Assert.Equal(all.Records.Count, again.Store.Index.Count);
        foreach (var (key, record) in all.Records)
        {
            Assert.Equal(record.State, again.Store.Index.Lookup(key).State);
        }

        foreach (var (recipient, closedAt) in all.Closures)
        {
            Assert.Equal(closedAt, again.Store.Index.ClosureOf(recipient));
        }
    }

    [Fact]
    public void Crash_AfterCheckpoint_LosesOnlyWhatFollowedItAndResumesThere()
    {
        var changes = ConsentModel.RandomChanges(seed: 2, count: 10_000, recipients: 2_000).ToList();
        var point = new FeedResumePoint("kafka:consents", [6_000]);
        using (var state = new DurableState(_path))
        {
            state.Recover();
            state.Apply(changes.Take(6_000));
            state.Checkpoint(point);
            state.Apply(changes.Skip(6_000)); // then killed: no checkpoint
        }

        using var restarted = new DurableState(_path);
        var resumed = restarted.Recover();
        Assert.Equal(point, resumed, FeedResumePointComparer.Instance);
        Assert.Equal(Fold(changes.Take(6_000)).Digest().ToString(), restarted.Digest().ToString());

        // The feed re-reads from the recorded position; applying a few events twice is harmless.
        restarted.Apply(changes.Skip(5_000));
        Assert.Equal(Fold(changes).Digest().ToString(), restarted.Digest().ToString());
    }

    [Fact]
    public void Restart_MoreRecordsThanTheLogMemory_ReadsThemFromDisk()
    {
        // ~300k records of ~60 bytes: several times the 16 MiB in-memory log the tests configure.
        var changes = ConsentModel.RandomChanges(seed: 7, count: 400_000, recipients: 150_000).ToList();
        var model = Fold(changes);
        using (var state = new DurableState(_path))
        {
            state.Recover();
            state.Apply(changes);
            state.Checkpoint(new FeedResumePoint("file:/data/consents.jsonl", [1_000, 400_000]));
        }

        using var restarted = new DurableState(_path);
        restarted.Recover("file:/data/consents.jsonl");
        Assert.True(restarted.Records.LogBytes > 16L << 20, $"the log holds {restarted.Records.LogBytes} bytes: not beyond memory");
        Assert.Equal(model.Records.Count, restarted.Store.Index.Count);
        Assert.Equal(model.Closures.Count, restarted.Store.Index.ClosureCount);
        Assert.All(model.Records, pair => Assert.Equal(pair.Value.State, restarted.Store.Index.Lookup(pair.Key).State));
        Assert.Equal(model.Digest().ToString(), restarted.Digest().ToString());
        Assert.All(model.Records.Take(5_000), pair => Assert.Equal(pair.Value, restarted.Records.Find(pair.Key)));
    }

    [Fact]
    public void Digest_AnyApplicationOrder_IsTheSame()
    {
        var changes = ConsentModel.RandomChanges(seed: 3, count: 8_000, recipients: 500).ToList();
        using var forward = new DurableState(Path.Combine(_path, "forward"));
        forward.Recover();
        forward.Apply(changes);
        forward.Checkpoint(new FeedResumePoint("kafka:consents", [1])); // folds the log over: later updates append new versions
        forward.Apply(changes.Take(3_000));

        using var backward = new DurableState(Path.Combine(_path, "backward"));
        backward.Recover();
        backward.Apply(Enumerable.Reverse(changes));

        string expected = Fold(changes).Digest().ToString();
        Assert.Equal(expected, forward.Digest().ToString());
        Assert.Equal(expected, backward.Digest().ToString());
        foreach (var change in changes.OfType<ConsentChange>())
        {
            Assert.Equal(forward.Records.Find(change.Key), backward.Records.Find(change.Key));
        }
    }

    [Fact]
    public void Recover_NewestCheckpointCorrupt_FallsBackToThePreviousOneAndSaysSo()
    {
        var changes = ConsentModel.RandomChanges(seed: 4, count: 6_000, recipients: 1_000).ToList();
        var first = new FeedResumePoint("kafka:consents", [3_000]);
        using (var state = new DurableState(_path))
        {
            state.Recover();
            state.Apply(changes.Take(3_000));
            state.Checkpoint(first);
            state.Apply(changes.Skip(3_000));
            state.Checkpoint(new FeedResumePoint("kafka:consents", [6_000]));
        }

        DurableFiles.CorruptNewestCheckpoint(_path);

        using var restarted = new DurableState(_path);
        var resumed = restarted.Recover();
        Assert.Equal(first, resumed, FeedResumePointComparer.Instance);
        Assert.Contains(restarted.Log.Lines, line => line.StartsWith("Warning: Checkpoint 000000000002.manifest.json passed over", StringComparison.Ordinal) && line.Contains("CRC-32C", StringComparison.Ordinal));
        Assert.Equal(Fold(changes.Take(3_000)).Digest().ToString(), restarted.Digest().ToString());

        // The passed-over checkpoint is gone; the next one taken is recoverable.
        restarted.Apply(changes.Skip(3_000));
        restarted.Checkpoint(new FeedResumePoint("kafka:consents", [6_000]));
        restarted.Dispose();
        using var again = new DurableState(_path);
        Assert.Equal([6_000L], again.Recover()!.Positions);
        Assert.Equal(Fold(changes).Digest().ToString(), again.Digest().ToString());
    }

    [Fact]
    public void Checkpoint_Repeatedly_KeepsOnlyTheConfiguredNumber()
    {
        using var state = new DurableState(_path, keep: 2, indexCheckpointLogMiB: 0); // every checkpoint full
        state.Recover();
        var changes = ConsentModel.RandomChanges(seed: 5, count: 1_000, recipients: 100).Chunk(200).ToList();
        for (int i = 0; i < changes.Count; i++)
        {
            state.Apply(changes[i]);
            state.Checkpoint(new FeedResumePoint("kafka:consents", [i]));
        }

        Assert.Equal(2, Directory.GetFiles(Path.Combine(_path, "manifests"), "*.manifest.json").Length);
        Assert.Equal(2, state.Records.CheckpointTokens().Count);
        Assert.Equal(["000000000004.sgsnap", "000000000005.sgsnap"], Directory.GetFiles(Path.Combine(_path, "snapshots")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void CheckpointsOfTheLogAlone_AreRecoveredOverTheLastFullOne_WhichPruningKeeps()
    {
        var changes = ConsentModel.RandomChanges(seed: 6, count: 5_000, recipients: 800).ToList();
        using (var state = new DurableState(_path, keep: 2))
        {
            state.Recover();
            var chunks = changes.Chunk(1_000).ToList();
            for (int i = 0; i < chunks.Count; i++)
            {
                state.Apply(chunks[i]);
                state.Checkpoint(new FeedResumePoint("kafka:consents", [(i + 1) * 1_000]));
            }

            Assert.Single(state.Log.Lines, line => line.Contains(", full) taken in", StringComparison.Ordinal));
            Assert.Equal(4, state.Log.Lines.Count(line => line.Contains(", log only) taken in", StringComparison.Ordinal)));
        } // a crash

        // The newest two, and the full checkpoint (the first) they are recovered over.
        Assert.Equal(["000000000001.manifest.json", "000000000004.manifest.json", "000000000005.manifest.json"], Directory.GetFiles(Path.Combine(_path, "manifests")).Select(Path.GetFileName).Order());
        Assert.Equal(["000000000001.sgsnap", "000000000004.sgsnap", "000000000005.sgsnap"], Directory.GetFiles(Path.Combine(_path, "snapshots")).Select(Path.GetFileName).Order());
        var manifests = CheckpointManifest.List(Path.Combine(_path, "manifests")).Select(m => m.Manifest!).ToList();
        Assert.All(manifests.Take(2), m => Assert.Equal(manifests[2].Token, m.IndexToken));

        using var restarted = new DurableState(_path, snapshots: true);
        Assert.Equal([5_000L], restarted.Recover()!.Positions);
        Assert.Equal(Fold(changes).Digest().ToString(), restarted.Digest().ToString());
        foreach (var (key, record) in Fold(changes).Records)
        {
            Assert.Equal(record, restarted.Records.Find(key));
        }
    }

    [Fact]
    public void CheckpointOfTheLogAlone_WithoutItsSnapshot_RebuildsTheIndexFromTheRecoveredLog()
    {
        var changes = ConsentModel.RandomChanges(seed: 8, count: 4_000, recipients: 700).ToList();
        using (var state = new DurableState(_path, snapshots: false))
        {
            state.Recover();
            state.Apply(changes.Take(2_000));
            state.Checkpoint(new FeedResumePoint("kafka:consents", [2_000]));
            state.Apply(changes.Skip(2_000));
            state.Checkpoint(new FeedResumePoint("kafka:consents", [4_000]));
            Assert.Contains(state.Log.Lines, line => line.Contains(", log only) taken in", StringComparison.Ordinal));
        }

        using var restarted = new DurableState(_path, snapshots: false);
        Assert.Equal([4_000L], restarted.Recover()!.Positions);
        var model = Fold(changes);
        Assert.Equal(model.Records.Count, restarted.Store.Index.Count);
        foreach (var (key, record) in model.Records)
        {
            Assert.Equal(record.State, restarted.Store.Index.Lookup(key).State);
        }

        Assert.Equal(model.Digest().ToString(), restarted.Digest().ToString());
    }

    [Fact]
    public void Recover_AnotherHashingKey_RefusesToMixKeys()
    {
        using (var state = new DurableState(_path))
        {
            state.Recover();
            state.Checkpoint(new FeedResumePoint("kafka:consents", [0]));
        }

        using var other = new DurableState(_path, HashingKey.ParseBase64(Convert.ToBase64String("another-test-key"u8)));
        var error = Assert.Throws<InvalidOperationException>(() => other.Recover());
        Assert.Contains("hashing key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recover_AnotherSource_RefusesToMixFeeds()
    {
        using (var state = new DurableState(_path))
        {
            state.Recover();
            state.Checkpoint(new FeedResumePoint("kafka:consents", [0]));
        }

        using var other = new DurableState(_path);
        var error = Assert.Throws<InvalidOperationException>(() => other.Recover("kafka:other-topic"));
        Assert.Contains("kafka:consents", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disk_NeverHoldsTheAddressesTheRecordsWereFor()
    {
        var factory = new FeedEventFactory(new RecipientHasher(DurableState.Key), TimeProvider.System);
        string[] addresses = ["+905321234567", "ali.veli@example.com"];
        using (var state = new DurableState(_path))
        {
            state.Recover();
            foreach (string address in addresses)
            {
                var input = new ConsentChangeInput
                {
                    IysCode = 123456,
                    BrandCode = 123457,
                    Channel = address.Contains('@', StringComparison.Ordinal) ? Channel.Eposta : Channel.Mesaj,
                    RecipientType = RecipientType.Bireysel,
                    Status = ConsentStatus.Onay,
                    ConsentDate = new ConsentTime(300_000_000),
                    ModifiedAt = new ConsentTime(300_000_000),
                    Recipient = RecipientInput.FromAddress(address),
                    Source = "HS_WEB",
                    TransactionId = "tx-1",
                };
                Assert.Equal(FeedEventError.None, factory.TryCreate(input, out var change));
                state.Store.Apply(change!);
            }

            state.Checkpoint(new FeedResumePoint("kafka:consents", [2]));
            Assert.Equal("tx-1", state.Records.Find(KeyOf(factory, addresses[0]))!.TransactionId);
        }

        var files = Directory.EnumerateFiles(_path, "*", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            foreach (string needle in new[] { "5321234567", "ali.veli", "example.com" })
            {
                Assert.True(bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(needle)) < 0, $"{needle} found in {file}");
                Assert.True(bytes.AsSpan().IndexOf(System.Text.Encoding.Unicode.GetBytes(needle)) < 0, $"{needle} (UTF-16) found in {file}");
            }
        }
    }

    public void Dispose() => Directory.Delete(_path, recursive: true);

    private static ConsentModel Fold(IEnumerable<object> changes)
    {
        var model = new ConsentModel();
        foreach (object change in changes)
        {
            model.Apply(change);
        }

        return model;
    }

    private static ConsentKey KeyOf(FeedEventFactory factory, string phone)
    {
        Assert.Equal(RecipientError.None, factory.Hasher.TryHash(phone.AsSpan(), Channel.Mesaj, out var recipient));
        return new ConsentKey(123457, Channel.Mesaj, RecipientType.Bireysel, recipient);
    }

    private sealed class FeedResumePointComparer : IEqualityComparer<FeedResumePoint?>
    {
        public static readonly FeedResumePointComparer Instance = new();

        public bool Equals(FeedResumePoint? x, FeedResumePoint? y) =>
            x is not null && y is not null && x.Source == y.Source && x.Positions.SequenceEqual(y.Positions);

        public int GetHashCode(FeedResumePoint? obj) => obj?.Source.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
