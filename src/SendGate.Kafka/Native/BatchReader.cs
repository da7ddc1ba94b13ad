using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using SendGate.Feed.Pipeline;

namespace SendGate.Kafka.Native;

/// <summary>
/// Reads the consumer's fetched messages into a batch many at a time, below Confluent.Kafka: one native call per
/// run of queued messages instead of one per message, and no ConsumeResult, Message or TopicPartitionOffset
/// objects — each key and value is copied from librdkafka's buffer into the batch and the message released. A
/// Kafka catch-up reads millions of messages on cores it shares with the broker; this is where the per-message
/// cost of the .NET client went. Everything else — configuration,
/// assignment, offsets, watermarks, logs and errors — stays Confluent.Kafka's: the reader borrows the
/// consumer's librdkafka handle, which Confluent.Kafka keeps internal, by reflection, and
/// <see cref="TryCreate"/> answers null when it cannot (the source then consumes one message at a time). Why, what
/// an upgrade can break and how to check it: docs/decisions/0001-batch-reads-below-confluent-kafka.md.
/// </summary>
internal sealed unsafe class BatchReader : IDisposable
{
    private const int MaxMessages = 4096;

    private readonly SafeHandle _client;
    private readonly nint _queue;
    private readonly Librdkafka.Message** _messages;
    private readonly byte[]? _closureTopic;
    private readonly Action<string> _failed;
    private nint _lastTopic;
    private bool _lastIsClosures;
    private bool _disposed;

    private BatchReader(SafeHandle client, nint queue, FeedStreams streams, Action<string> failed)
    {
        _client = client;
        _queue = queue;
        _failed = failed;
        _closureTopic = streams.Closures is { } closures ? Encoding.UTF8.GetBytes(closures) : null;
        _messages = (Librdkafka.Message**)NativeMemory.Alloc(MaxMessages, (nuint)sizeof(nint));
    }

    /// <summary>
    /// A reader of <paramref name="consumer"/>'s queue; null when this Confluent.Kafka does not hold its handle
    /// where this version does, or its librdkafka differs from the one bound here (both are pinned in
    /// Directory.Packages.props; a test asserts the reader is made).
    /// </summary>
    public static BatchReader? TryCreate<TKey, TValue>(IConsumer<TKey, TValue> consumer, FeedStreams streams, Action<string> failed)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        var property = typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic);
        if (property?.GetValue(consumer.Handle) is not SafeHandle client || client.IsInvalid || !SameLibrary())
        {
            return null;
        }

        bool added = false;
        client.DangerousAddRef(ref added); // the handle outlives this reader's use of it
        nint queue = Librdkafka.QueueGetConsumer(client.DangerousGetHandle());
        if (queue == 0)
        {
            client.DangerousRelease();
            return null;
        }

        return new BatchReader(client, queue, streams, failed);
    }

    /// <summary>
    /// Fills <paramref name="batch"/> with what the consumer has fetched, waiting up to <paramref name="wait"/> for
    /// the first message only (following stays as fresh as a single consume; <see cref="Timeout.InfiniteTimeSpan"/>
    /// waits without limit), and moves <paramref name="read"/>, the positions after each stream's last message read.
    /// </summary>
    public void Read(EventBatch batch, TimeSpan wait, long[] read)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int timeout = wait == Timeout.InfiniteTimeSpan ? -1 : (int)Math.Clamp(wait.TotalMilliseconds, 0, int.MaxValue);
        int size = 1; // the first message waits; the rest is what is already queued
        while (batch.HasRoom)
        {
            int count = (int)Librdkafka.ConsumeBatchQueue(_queue, timeout, _messages, (nuint)Math.Min(size, batch.Capacity - batch.Count));
            if (count <= 0)
            {
                return;
            }

            for (int i = 0; i < count; i++)
            {
                var message = _messages[i];
                Add(batch, message, read);
                Librdkafka.MessageDestroy(message);
            }

            timeout = 0;
            size = MaxMessages;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Librdkafka.QueueDestroy(_queue);
        NativeMemory.Free(_messages);
        _client.DangerousRelease();
    }

    private void Add(EventBatch batch, Librdkafka.Message* message, long[] read)
    {
        if (message->Error != 0)
        {
            _failed(Failure(message));
            return;
        }

        int index = FeedStreams.IndexOf(IsClosures(message->Topic), message->Partition, read.Length);
        var key = batch.Append(new ReadOnlySpan<byte>(message->Key, (int)message->KeyLength), message->Key is null);
        var value = batch.Append(new ReadOnlySpan<byte>(message->Payload, (int)message->Length), message->Payload is null);
        batch.Add(value, key, index, message->Offset);
        read[index] = message->Offset + 1;
    }

    /// <summary>Whether a message's topic is the closure topic: a topic's handle is stable, so its name is compared once.</summary>
    private bool IsClosures(nint topic)
    {
        if (_closureTopic is null)
        {
            return false;
        }

        if (topic != _lastTopic)
        {
            _lastIsClosures = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(Librdkafka.TopicName(topic)).SequenceEqual(_closureTopic);
            _lastTopic = topic;
        }

        return _lastIsClosures;
    }

    /// <summary>An error event's text: librdkafka's name for the code and, as rd_kafka_message_errstr has it, the payload's text.</summary>
    private static string Failure(Librdkafka.Message* message)
    {
        string code = Marshal.PtrToStringUTF8((nint)Librdkafka.ErrorString(message->Error)) ?? message->Error.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return message->Payload is null ? code : code + ": " + Encoding.UTF8.GetString(message->Payload, (int)message->Length);
    }

    /// <summary>Whether the library bound here is Confluent.Kafka's (the same version; none found is not).</summary>
    private static bool SameLibrary()
    {
        try
        {
            return Librdkafka.Version() == Library.Version;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
