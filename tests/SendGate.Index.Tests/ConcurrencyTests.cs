using SendGate.Core.Consent;
using SendGate.Core.Domain;

namespace SendGate.Index.Tests;

/// <summary>One writer and concurrent readers: readers never see a torn entry or lose an entry that was there, even while cuckoo moves relocate entries.</summary>
public sealed class ConcurrencyTests
{
    [Fact(Timeout = 120_000)]
    public async Task Readers_WhileAStashIsFilledAndDrained_NeverMissAnEntry()
    {
        const int stable = 200_000;
        using var index = Keys.Index(expected: stable); // filled to its load bound below: inserts need moves
        var random = new Random(9);
        var stableKeys = Enumerable.Range(0, stable).Select(_ => Keys.Random(random)).ToArray();
        var extra = Enumerable.Range(0, 20_000).Select(_ => Keys.Random(random)).ToArray();
        foreach (var key in stableKeys.Take(stable * 9 / 10))
        {
            index.Apply(key, State(0));
        }

        index.Consents.BeginSnapshot(); // as a snapshot's copy does: no moves, so inserts that need one are stashed
        foreach (var key in extra)
        {
            index.Apply(key, State(1));
        }

        Assert.True(index.Consents.Stashed > 0, "nothing was stashed: the table was not full enough");
        using var stop = new CancellationTokenSource();
        long reads = 0;
        string? failure = null;
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var results = new ConsentLookup[extra.Length];
            while (!stop.IsCancellationRequested && failure is null)
            {
                index.Lookup(extra, results);
                int missing = results.Count(l => l.State.IsNone);
                if (missing > 0)
                {
                    failure = $"{missing} of the {extra.Length} entries were not found";
                }

                Interlocked.Increment(ref reads);
            }
        })).ToArray();

        while (Interlocked.Read(ref reads) < 4 && failure is null)
        {
            await Task.Delay(1);
        }

        index.Consents.EndSnapshot();
        index.Apply(stableKeys[^1], State(2)); // the writer's next change drains the stash into the table
        Assert.Equal(0, index.Consents.Stashed);
        long drainedAt = Interlocked.Read(ref reads);
        while (Interlocked.Read(ref reads) < drainedAt + 4 && failure is null)
        {
            await Task.Delay(1);
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.Null(failure);
        var after = new ConsentLookup[extra.Length];
        index.Lookup(extra, after);
        Assert.All(after, l => Assert.Equal(State(1), l.State));
    }

    [Fact]
    public async Task Readers_DuringInsertsMovesAndUpdates_AlwaysSeeAWrittenState()
    {
        const int stable = 100_000;
        const int added = 80_000;
        using var index = Keys.Index(expected: stable + added); // the added keys push it to its load bound: many moves
        var random = new Random(4);
        var stableKeys = Enumerable.Range(0, stable).Select(_ => Keys.Random(random)).ToArray();
        var addedKeys = Enumerable.Range(0, added).Select(_ => Keys.Random(random)).ToArray();
        foreach (var key in stableKeys)
        {
            index.Apply(key, State(0));
        }

        using var stop = new CancellationTokenSource();
        long reads = 0;
        string? failure = null;
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var results = new ConsentLookup[500];
            var reader = new Random(r);
            while (!stop.IsCancellationRequested && failure is null)
            {
                int start = reader.Next(stable - results.Length);
                index.Lookup(stableKeys.AsSpan(start, results.Length), results);
                foreach (var result in results)
                {
                    // Present all along; its state one the writer wrote (generation 0..3, never a mix of two).
                    if (result.State.IsNone || !IsWritten(result.State))
                    {
                        failure = $"read {result.State} (bits {result.State.Bits:x16})";
                    }
                }

                Interlocked.Add(ref reads, results.Length);
            }
        })).ToArray();

        // Writing starts only once the readers are reading.
        while (Interlocked.Read(ref reads) == 0 && failure is null)
        {
            await Task.Delay(1);
        }

        for (int round = 1; round <= 3; round++)
        {
            foreach (var key in addedKeys.Skip((round - 1) * (added / 3)).Take(added / 3))
            {
                index.Apply(key, State(round));
            }

            foreach (var key in stableKeys)
            {
                index.Apply(key, State(round));
            }
        }

        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.Null(failure);
        Assert.True(Interlocked.Read(ref reads) > 0);
        Assert.All(stableKeys, key => Assert.Equal(State(3), index.Lookup(key).State));
    }

    private static ConsentState State(int round) =>
        ConsentState.Create(round % 2 == 0 ? ConsentStatus.Onay : ConsentStatus.Ret, new ConsentTime(Keys.Jan.Seconds + (uint)round), new ConsentTime(Keys.Jan.Seconds + (uint)round));

    private static bool IsWritten(ConsentState state) => Enumerable.Range(0, 4).Any(round => State(round) == state);
}

/// <summary>Readers against a writer that does nothing but move entries between their two buckets.</summary>
public sealed class MoveStressTests
{
    private const long RequiredMoves = 5_000_000;

    [Fact]
    public async Task BatchAndSingleReaders_DuringContinuousMoves_NeverMissAnEntry()
    {
        const int keys = 180;
        using var generation = new SendGate.Index.Table.Generation(bucketCount: 64, maxLoad: 0.95); // tiny: every key moves often
        var random = new Random(6);
        var tags = new ulong[keys];
        var first = new uint[keys];
        var second = new uint[keys];
        for (int i = 0; i < keys; i++)
        {
            tags[i] = (ulong)random.NextInt64(1, long.MaxValue);
            first[i] = generation.Primary((ulong)random.NextInt64());
            second[i] = generation.Alternate(first[i], tags[i]);
            Assert.True(generation.TryInsert(first[i], second[i], tags[i], (ulong)i + 1));
        }

        using var stop = new CancellationTokenSource();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        long moves = 0;
        var writer = Task.Run(() =>
        {
            var mover = new Random(7);
            while (!stop.IsCancellationRequested)
            {
                if (generation.TryRelocate((uint)mover.Next(64), mover.Next(4)))
                {
                    Interlocked.Increment(ref moves);
                }
            }
        });

        string? failure = null;
        var batchReader = Task.Run(() =>
        {
            var values = new ulong[keys];
            while (Interlocked.Read(ref moves) < RequiredMoves && failure is null && !patience.IsCancellationRequested)
            {
                FindBatch(generation, tags, first, second, values);

                for (int i = 0; i < keys; i++)
                {
                    if (values[i] != (ulong)i + 1)
                    {
                        failure = $"batch read key {i} as {values[i]}";
                    }
                }
            }
        });
        var singleReader = Task.Run(() =>
        {
            while (Interlocked.Read(ref moves) < RequiredMoves && failure is null && !patience.IsCancellationRequested)
            {
                for (int i = 0; i < keys; i++)
                {
                    ulong value = generation.Find(first[i], second[i], tags[i]);
                    if (value != (ulong)i + 1)
                    {
                        failure = $"single read key {i} as {value}";
                    }
                }
            }
        });

        await Task.WhenAll(batchReader, singleReader);
        stop.Cancel();
        await writer;
        Assert.Null(failure);
        Assert.True(Interlocked.Read(ref moves) >= RequiredMoves, "the readers read through enough moves");
    }

    private static unsafe void FindBatch(SendGate.Index.Table.Generation generation, ulong[] tags, uint[] first, uint[] second, ulong[] values)
    {
        fixed (ulong* t = tags)
        fixed (uint* f = first)
        fixed (uint* s = second)
        fixed (ulong* v = values)
        {
            generation.FindBatch(t, f, s, v, tags.Length);
        }
    }
}
