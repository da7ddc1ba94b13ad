using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using SendGate.Feed.Pipeline;
using SendGate.Kafka.Native;
using SendGate.Tests.Support;

namespace SendGate.Kafka.Tests;

/// <summary>
/// The feed's batch reads below Confluent.Kafka (<see cref="BatchReader"/>), against the real broker: made for the
/// pinned Confluent.Kafka (else every catch-up silently falls back to one message per call); every message read
/// once, in partition order, with its key, tombstone or missing key as they were produced, each at its place in the
/// feed's position vector (the closure topic last); no more per batch than the batch holds, nothing lost between
/// batches; and a follower not kept waiting for a full batch.
/// </summary>
[Collection(SharedBroker.Name)]
public sealed class BatchReaderTests(KafkaBroker broker)
{
    private const string Topic = "batch-reader", Closures = Topic + ".closures";

    [Fact]
    public async Task ReadsEveryMessage_InOrder_AtItsPlaceInThePositionVector_AcrossBatchesOfAnySize()
    {
        await broker.CreateTopicAsync(Topic, 2, "delete");
        await broker.CreateTopicAsync(Closures, 1, "delete");
        var produced = new List<(int Index, string? Key, string? Value)>();
        using (var producer = broker.Producer(Topic))
        {
            for (int i = 0; i < 1200; i++)
            {
                int index = i % 7 == 0 ? 2 : i % 2; // the closure topic's partition sits last in the vector
                string? key = i % 50 == 3 ? null : "key-" + i;
                string? value = i % 61 == 5 ? null : "value-" + i + new string('x', i % 40);
                var partition = index == 2 ? new TopicPartition(Closures, 0) : new TopicPartition(Topic, index);
                producer.Produce(partition, new Message<byte[]?, byte[]?> { Key = Bytes(key), Value = Bytes(value) });
                produced.Add((index, key, value));
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        var streams = new FeedStreams(Topic, Closures, new ShardMembership(new ShardOptions()));
        using var consumer = Consumer();
        consumer.Assign(streams.Assignment([0, 0, 0]));
        var failures = new List<string>();
        using var reader = BatchReader.TryCreate(consumer, streams, failures.Add);
        Assert.NotNull(reader); // the pinned Confluent.Kafka lends its handle: catch-up reads in batches

        var read = new long[3];
        var received = new List<(int Index, long Offset, string? Key, string? Value)>();
        var batch = new EventBatch(100); // smaller than what is queued: the rest must wait for the next batch
        for (int reads = 0; received.Count < produced.Count && reads < 200; reads++) // 12 full batches, and room to fetch
        {
            batch.Clear();
            reader.Read(batch, TimeSpan.FromMilliseconds(500), read);
            Assert.True(batch.Count <= batch.Capacity);
            for (int i = 0; i < batch.Count; i++)
            {
                var payload = batch.Payload(i, out bool tombstone);
                received.Add((batch.Partition(i), batch.Position(i), Text(batch.KeyCopy(i)), tombstone ? null : Encoding.UTF8.GetString(payload)));
            }
        }

        Assert.Empty(failures);
        Assert.Equal(produced.Count, received.Count);
        for (int index = 0; index < 3; index++)
        {
            var expected = produced.Where(p => p.Index == index).Select(p => (p.Key, p.Value)).ToList();
            var actual = received.Where(r => r.Index == index).ToList();
            Assert.Equal(expected, actual.Select(r => (r.Key, r.Value)).ToList());
            Assert.Equal(Enumerable.Range(0, expected.Count).Select(o => (long)o), actual.Select(r => r.Offset));
            Assert.Equal(expected.Count, read[index]); // the position after each stream's last message
        }
    }

    [Fact(Timeout = 120_000)] // fails a reader that hangs, instead of hanging the run
    public async Task AFollower_GetsWhatIsThere_WithoutWaitingForAFullBatch()
    {
        const string Follow = "batch-reader-follow";
        await broker.CreateTopicAsync(Follow, 1, "delete");
        var streams = new FeedStreams(Follow, null, new ShardMembership(new ShardOptions()));
        using var consumer = Consumer();
        consumer.Assign(streams.Assignment([0]));
        using var reader = BatchReader.TryCreate(consumer, streams, _ => { });
        Assert.NotNull(reader);
        using (var producer = broker.Producer(Follow))
        {
            producer.Produce(Follow, new Message<byte[]?, byte[]?> { Key = Bytes("k"), Value = Bytes("one") });
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        var batch = new EventBatch(8192);
        var read = new long[1];

        // No limit on the wait for the first message: a reader that waited for a full batch (or for any message
        // after the first) would never return, as nothing else is ever produced.
        await Task.Run(() => reader.Read(batch, Timeout.InfiniteTimeSpan, read));

        Assert.Equal(1, batch.Count);
        Assert.Equal("one", Encoding.UTF8.GetString(batch.Payload(0, out _)));
        Assert.Equal(1, read[0]);
    }

    private IConsumer<byte[]?, byte[]?> Consumer()
    {
        var options = broker.Options(Topic, Topic + ".dlq");
        options.GroupId = "batch-reader-" + Guid.NewGuid().ToString("N");
        return KafkaClients.Consumer(options, NullLogger.Instance);
    }

    private static byte[]? Bytes(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);
}
