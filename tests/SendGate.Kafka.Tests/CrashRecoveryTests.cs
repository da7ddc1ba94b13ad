using SendGate.Core.Consent;
using SendGate.Durability;
using SendGate.Tests.Support;

namespace SendGate.Kafka.Tests;

/// <summary>
/// kill -9 at any moment loses nothing: the gate runs as its own process with durable state,
/// fed by a real broker while it is killed again and again — at random moments, just as a
/// checkpoint starts, and just as its index snapshot is being written — and its final state digest must equal the digest folded directly from
/// the input. Then the newest checkpoint is corrupted and the gate must fall back and still
/// converge.
/// </summary>
[Collection(SharedBroker.Name)]
public sealed class CrashRecoveryTests(KafkaBroker broker) : IDisposable
{
    private const int Rounds = 12;
    private readonly string _data = Directory.CreateTempSubdirectory("sendgate-crash-").FullName;

    [Fact]
    public async Task Gate_KilledAtRandomMomentsAndMidCheckpoint_EndsWithTheDigestOfItsInput()
    {
        string topic = "consents-crash", dlq = "consents-crash.dlq";
        // Delete, not compact: the test publishes in random order, and compaction keeps the last-published message per key.
        await broker.CreateTopicAsync(topic, 3, "delete");
        await broker.CreateTopicAsync(dlq, 1, "delete");
        var changes = ConsentModel.RandomChanges(seed: 11, count: 60_000, recipients: 8_000).ToList();
        var model = new ConsentModel();
        changes.ForEach(model.Apply);
        var expected = model.Digest();
        var settings = broker.GateSettings(topic, dlq);
        settings["Durability:Path"] = _data;
        settings["Durability:CheckpointInterval"] = "00:00:00.300";
        settings["Index:ExpectedTuples"] = "65536";
        var random = new Random(11);
        var chunks = changes.Chunk((changes.Count / Rounds) + 1).ToList();

        using var publisher = new ConsentPublisher(broker.Producer(topic), topic, GateHost.Hasher.KeyId);
        int interruptedCheckpoints = 0;
        for (int round = 0; round < Rounds; round++)
        {
            using var gate = GateProcess.Start(settings);
            Publish(publisher, chunks[round]); // applied while the gate runs, recovers, or is being killed
            if (round % 2 == 0)
            {
                // Kill the moment a checkpoint starts (FASTER is mid-write) or its index snapshot
                // does (FASTER done, the snapshot half written): either way the manifest is not yet out.
                var starting = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                bool atSnapshot = round % 4 == 2;
                gate.Watch(line =>
                {
                    if ((atSnapshot ? SnapshotStarting(line) : CheckpointStarting(line)) is long sequence)
                    {
                        gate.Kill();
                        starting.TrySetResult(sequence);
                    }
                });
                long killedAt = await starting.Task.WaitAsync(TimeSpan.FromSeconds(60)).ContinueWith(
                    t => t.IsCompletedSuccessfully ? t.Result : throw new TimeoutException("no checkpoint started within 60 s; the gate's log ends:\n" + string.Join('\n', gate.Lines.TakeLast(30))),
                    TaskScheduler.Default);
                gate.KillHard();
                if (!File.Exists(Path.Combine(_data, "manifests", CheckpointManifest.FileName(killedAt))))
                {
                    interruptedCheckpoints++;
                }
            }
            else
            {
                // Killed at a random moment after a checkpoint completed, so that the survivor has
                // one to recover even on a machine slow enough that every kill lands early.
                var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                gate.Watch(line =>
                {
                    if (line.Contains(") taken in ", StringComparison.Ordinal))
                    {
                        taken.TrySetResult();
                    }
                });
                if (gate.Lines.Any(line => line.Contains(") taken in ", StringComparison.Ordinal)))
                {
                    taken.TrySetResult(); // completed before the watch was set
                }

                await taken.Task.WaitAsync(TimeSpan.FromSeconds(60));
                await Task.Delay(random.Next(0, 2_000));
                gate.KillHard();
            }

            Assert.True(gate.HasExited);
        }

        Assert.True(interruptedCheckpoints >= 1, $"no kill landed inside a checkpoint ({Rounds / 2} tried)");

        using (var survivor = GateProcess.Start(settings))
        {
            // The digest and the index-against-records check, once both hold: the survivor answers /admin/digest (503
            // until caught up; then the audit of a complete state) while it may still be applying what was published
            // last. A state that never becomes consistent fails after the patience, with its digest.
            var digest = await survivor.DigestWhenAsync(d => d.GetProperty("digest").GetString() == expected.Value && d.GetProperty("consistent").GetBoolean(), TimeSpan.FromSeconds(120));
            Assert.Equal(expected.Tuples, digest.GetProperty("tuples").GetInt64());
            Assert.Equal(expected.Closures, digest.GetProperty("closures").GetInt64());
            Assert.True(digest.GetProperty("consistent").GetBoolean(), digest.ToString()); // the hot index agrees with every record
            Assert.Contains(survivor.Lines, line => line.Contains("Recovered checkpoint", StringComparison.Ordinal));
            Assert.Contains(survivor.Lines, line => line.Contains("Hot index loaded from snapshot", StringComparison.Ordinal));
            survivor.Terminate(); // graceful: a final checkpoint
        }

        DurableFiles.CorruptNewestCheckpoint(_data);
        using var fallback = GateProcess.Start(settings);
        var again = await fallback.DigestWhenAsync(d => d.GetProperty("digest").GetString() == expected.Value, TimeSpan.FromSeconds(120));
        Assert.True(again.GetProperty("consistent").GetBoolean());
        Assert.Contains(fallback.Lines, line => line.Contains("passed over", StringComparison.Ordinal) && line.Contains("CRC-32C", StringComparison.Ordinal));
        Assert.Contains(fallback.Lines, line => line.Contains("Recovered checkpoint", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static long? SnapshotStarting(string line) =>
        line.Contains(": writing index snapshot ", StringComparison.Ordinal) ? CheckpointNumber(line) : null;

    private static long? CheckpointStarting(string line) =>
        line.Contains(" starting at ", StringComparison.Ordinal) ? CheckpointNumber(line) : null;

    private static long? CheckpointNumber(string line)
    {
        int at = line.IndexOf("Checkpoint ", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var digits = line.AsSpan(at + "Checkpoint ".Length);
        int end = digits.IndexOfAny(' ', ':');
        return end > 0 && long.TryParse(digits[..end], out long sequence) ? sequence : null;
    }

    private static void Publish(ConsentPublisher publisher, IEnumerable<object> changes)
    {
        foreach (object change in changes)
        {
            if (change is ConsentChange consent)
            {
                publisher.Publish(consent);
            }
            else
            {
                publisher.Publish((LineClosure)change);
            }
        }

        publisher.Flush(CancellationToken.None);
        Assert.Equal(0, publisher.Failed);
    }
}
