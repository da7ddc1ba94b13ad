using SendGate.Core.Consent;
using System.Text;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Index.Snapshots;

namespace SendGate.Index.Tests;

public sealed class SnapshotTests : IDisposable
{
    private const uint KeyId = 0xC0FFEE01;
    private readonly string _directory = Directory.CreateTempSubdirectory("sendgate-snapshot-").FullName;

    [Fact]
    public void Crc32C_StandardCheckValue()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void WriteThenLoad_RestoresEveryEntryClosureAndThePosition()
    {
        using var index = Keys.Index(expected: 1024); // small: the load makes several generations
        var random = new Random(8);
        var keys = Enumerable.Range(0, 20_000).Select(_ => Keys.Random(random)).ToArray();
        for (int i = 0; i < keys.Length; i++)
        {
            index.Apply(keys[i], Keys.Onay(Keys.Jan, new ConsentTime(Keys.Jan.Seconds + (uint)i)));
        }

        index.ApplyClosure(keys[7].Recipient, Keys.Mar);
        byte[] position = Encoding.UTF8.GetBytes("kafka:sendgate.consents/0=1234,1=99");
        string path = Path.Combine(_directory, "index.snap");

        var written = IndexSnapshot.Write(index, path, KeyId, position);
        var (loaded, info) = IndexSnapshot.Load(path, KeyId);

        using (loaded)
        {
            Assert.Equal(index.Count, loaded.Count);
            Assert.Equal(index.ClosureCount, loaded.ClosureCount);
            Assert.Equal(index.Version, loaded.Version);
            Assert.Equal(index.Generations, loaded.Generations);
            Assert.Equal(position, info.Position);
            Assert.Equal(written.Bytes, new FileInfo(path).Length);
            var expected = new ConsentLookup[keys.Length];
            var actual = new ConsentLookup[keys.Length];
            index.Lookup(keys, expected);
            loaded.Lookup(keys, actual);
            Assert.Equal(expected, actual);
            Assert.Equal(Keys.Mar, loaded.Lookup(keys[7]).LineClosedAt);

            // The loaded index keeps working as a writable index.
            loaded.Apply(keys[0], Keys.Ret(Keys.Mar, Keys.Mar));
            Assert.Equal(Keys.Ret(Keys.Mar, Keys.Mar), loaded.Lookup(keys[0]).State);
        }
    }

    [Fact]
    public void WriteThenLoad_KeepsTheRetailerRules()
    {
        using var index = Keys.Index();
        var random = new Random(4);
        var owned = Keys.Random(random);
        var shared = Keys.Random(random);
        index.Apply(owned, Keys.Onay(Keys.Jan, Keys.Jan));
        index.Apply(shared, Keys.Onay(Keys.Jan, Keys.Jan));
        index.Retailers.Set(owned, SendGate.Core.Consent.RetailerRule.Create(501, [502, 503]));
        index.Retailers.Set(shared, SendGate.Core.Consent.RetailerRule.Create(0, [7]));
        string path = Path.Combine(_directory, "retailers.snap");

        IndexSnapshot.Write(index, path, KeyId, []);
        var (loaded, _) = IndexSnapshot.Load(path, KeyId);

        using (loaded)
        {
            Assert.Equal(2, loaded.Retailers.Count);
            Assert.Equal(index.Retailers.Find(owned), loaded.Retailers.Find(owned));
            Assert.True(loaded.Retailers.Find(owned)!.Allows(503));
            Assert.False(loaded.Retailers.Find(shared)!.Allows(501));
            Assert.Null(loaded.Retailers.Find(Keys.Random(random)));
        }

        byte[] bytes = File.ReadAllBytes(path);
        bytes[^30] ^= 0x01; // inside the retailer rules
        File.WriteAllBytes(path, bytes);
        Assert.Contains("checksum", Assert.Throws<SnapshotException>(() => IndexSnapshot.Load(path, KeyId)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FlippedByteAnywhere_IsRefusedByTheChecksum()
    {
        string path = WriteSample();
        byte[] bytes = File.ReadAllBytes(path);
        foreach (long offset in new long[] { 4096 + 17, bytes.Length / 2, bytes.Length - 40 })
        {
            byte[] damaged = (byte[])bytes.Clone();
            damaged[offset] ^= 0x10;
            File.WriteAllBytes(path, damaged);

            var error = Assert.Throws<SnapshotException>(() => IndexSnapshot.Load(path, KeyId));

            Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_Truncated_IsRefused()
    {
        string path = WriteSample();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);

        var error = Assert.Throws<SnapshotException>(() => IndexSnapshot.Load(path, KeyId));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnderAnotherHashingKey_IsRefused()
    {
        string path = WriteSample();

        var error = Assert.Throws<SnapshotException>(() => IndexSnapshot.Load(path, KeyId + 1));

        Assert.Contains("hashing key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotASnapshot_OrMissing_IsRefused()
    {
        string other = Path.Combine(_directory, "other.bin");
        File.WriteAllBytes(other, new byte[8192]);

        Assert.Contains("not a SendGate", Assert.Throws<SnapshotException>(() => IndexSnapshot.Load(other, KeyId)).Message, StringComparison.Ordinal);
        Assert.Throws<SnapshotException>(() => IndexSnapshot.Load(Path.Combine(_directory, "missing.snap"), KeyId));
    }

    [Fact]
    public void Write_ReplacesTheOldSnapshotWithoutLeavingTheTemporaryFile()
    {
        string path = WriteSample();
        using var index = Keys.Index();
        index.Apply(Keys.Random(new Random(9)), Keys.Onay(Keys.Jan, Keys.Jan));

        IndexSnapshot.Write(index, path, KeyId, []);
        var (loaded, _) = IndexSnapshot.Load(path, KeyId);

        using (loaded)
        {
            Assert.Equal(1, loaded.Count);
        }

        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact(Timeout = 120_000)]
    public async Task WrittenWhileTheWriterGoesOn_ThenReplayedFromItsPosition_EqualsTheIndexThatNeverStopped()
    {
        // Sized for 2^20 tuples and filled to near its load limit: the copy spans several chunks, and the inserts made
        // during it need cuckoo moves — the case a concurrent copy could lose or double an entry in. They go to the
        // stash until it is full, then wait for the copy to end.
        using var live = Keys.Index(expected: 1 << 20);
        var random = new Random(21);
        var keys = Enumerable.Range(0, 1_150_000).Select(_ => Keys.Random(random)).ToArray();
        var (before, after) = (keys.AsSpan(0, 900_000).ToArray(), keys.AsSpan(900_000).ToArray());
        foreach (var (key, i) in before.Select((k, i) => (k, i)))
        {
            live.Apply(key, Keys.Onay(Keys.Jan, new ConsentTime(Keys.Jan.Seconds + (uint)i)));
        }

        live.ApplyClosure(before[3].Recipient, Keys.Feb);
        // After the snapshot's position: new tuples, newer states of old ones (values raised in place), closures.
        var changes = new List<(ConsentKey Key, ConsentState State)>();
        for (int i = 0; i < after.Length; i++)
        {
            changes.Add((after[i], Keys.Onay(Keys.Feb, Keys.Feb)));
            changes.Add((before[(i * 7) % before.Length], Keys.Ret(Keys.Mar, new ConsentTime(Keys.Mar.Seconds + (uint)i))));
        }

        string path = Path.Combine(_directory, "concurrent.snap");
        long applied = 0;
        int stashedDuringCopy = 0;
        int invisible = -1;
        var firstChunkCopied = new ManualResetEventSlim();
        Task<SnapshotInfo> writing;
        using (var pending = IndexSnapshot.Begin(live, path, KeyId, "kafka:c@[900001]"u8))
        {
            // The copy waits after its first chunk until the writer has gone on (applied everything, or stopped at the
            // move gate), so that the rest of the table is copied while it changes.
            var progress = new SyncProgress(_ =>
            {
                if (firstChunkCopied.IsSet)
                {
                    return;
                }

                firstChunkCopied.Set();
                SpinWait.SpinUntil(() => Interlocked.Read(ref applied) == changes.Count || live.Consents.Moves.Waits > 0, TimeSpan.FromSeconds(30));
                // The writer has stopped (all applied, or its stash full): a reader sees every tuple it inserted,
                // those in the stash included.
                stashedDuringCopy = live.Consents.Stashed;
                long done = Interlocked.Read(ref applied);
                var inserted = changes.Take((int)done).Where((_, i) => i % 2 == 0).Select(c => c.Key).ToArray();
                var seen = new ConsentLookup[inserted.Length];
                live.Lookup(inserted, seen);
                invisible = seen.Count(l => l.State.IsNone);
            });
            writing = Task.Factory.StartNew(() => pending.Write(progress), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            Assert.True(firstChunkCopied.Wait(TimeSpan.FromSeconds(30)));
            foreach (var (key, state) in changes)
            {
                live.Apply(key, state);
                Interlocked.Increment(ref applied);
            }

            live.ApplyClosure(after[5].Recipient, Keys.Mar);
            await writing;
        }

        Assert.True(stashedDuringCopy > 0, "no insert needed a move during the copy: the test did not exercise the stash");
        Assert.Equal(0, invisible);
        Assert.True(live.Consents.Moves.Waits > 0, "the stash never filled: the test did not exercise the gate");
        Assert.True((await writing).WriterWaited > TimeSpan.Zero); // what the checkpoint's log reports as the feed's wait
        var (loaded, _) = IndexSnapshot.Load(path, KeyId);
        using (loaded)
        {
            // What a restart does: the snapshot, then every change after its position applied again.
            foreach (var (key, state) in changes)
            {
                loaded.Apply(key, state);
            }

            loaded.ApplyClosure(after[5].Recipient, Keys.Mar);
            Assert.Equal(live.Count, loaded.Count);
            Assert.Equal(live.ClosureCount, loaded.ClosureCount);
            var expected = new ConsentLookup[keys.Length];
            var actual = new ConsentLookup[keys.Length];
            live.Lookup(keys, expected);
            loaded.Lookup(keys, actual);
            Assert.Equal(expected, actual);
        }

        Assert.Equal(0, live.Consents.Stashed); // the writer's first change after the copy drained the stash into the table
        var drained = new ConsentLookup[keys.Length];
        live.Lookup(keys, drained);
        Assert.DoesNotContain(drained, l => l.State.IsNone);
        Assert.Equal(keys.Length, live.Count);
    }

    [Fact]
    public void AFinishedOrAbandonedSnapshot_OpensTheMoveGates()
    {
        using var index = Keys.Index();
        using (IndexSnapshot.Begin(index, Path.Combine(_directory, "abandoned.snap"), KeyId, []))
        {
            Assert.False(index.Consents.Moves.IsOpen);
            Assert.False(index.Closures.Moves.IsOpen);
        }

        Assert.True(index.Consents.Moves.IsOpen);
        Assert.True(index.Closures.Moves.IsOpen);
        using (var pending = IndexSnapshot.Begin(index, Path.Combine(_directory, "written.snap"), KeyId, []))
        {
            pending.Write();
            Assert.True(index.Consents.Moves.IsOpen); // opened as soon as the tables were copied, before the file was flushed
        }
    }

    [Fact]
    public void AWriterLetGo_HasItsWaitCounted_BeforeTheGateIsSeenOpen_HoweverLateItRunsAgain()
    {
        // The snapshot reads the writer's wait right after opening the gate; the writer thread may not have run since.
        using var gate = new SendGate.Index.Table.MoveGate();
        gate.Close();
        var writer = new Thread(gate.PassBeforeMoving) { IsBackground = true };
        writer.Start();
        Assert.True(SpinWait.SpinUntil(() => gate.WriterWaiting, TimeSpan.FromSeconds(30)));

        gate.Open();

        Assert.True(gate.Waited > TimeSpan.Zero); // read at once, as the snapshot does
        Assert.Equal(1, gate.Waits);
        writer.Join();
        var counted = gate.Waited;
        Assert.Equal(counted, gate.Waited); // the writer, let go, does not count the same wait again
        Assert.False(gate.WriterWaiting);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteSample()
    {
        using var index = Keys.Index();
        var random = new Random(10);
        for (int i = 0; i < 5_000; i++)
        {
            index.Apply(Keys.Random(random), Keys.Onay(Keys.Jan, Keys.Feb));
        }

        string path = Path.Combine(_directory, "sample.snap");
        IndexSnapshot.Write(index, path, KeyId, "file:sample.jsonl#5000"u8);
        return path;
    }

    /// <summary>Reports on the writing thread (<see cref="Progress{T}"/> would post to the pool).</summary>
    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
