using System.Reflection;
using System.Runtime.InteropServices;

namespace SendGate.Kafka.Native;

/// <summary>
/// The few librdkafka entry points Confluent.Kafka does not expose: consuming a batch of messages in one call
/// (Confluent.Kafka consumes one per call, and marshals each into objects). Bound to the very library
/// Confluent.Kafka loaded — never a second copy — by resolving the same names in the same order from
/// Confluent.Kafka's assembly (librdkafka.redist's GSSAPI build first, then the one without).
/// </summary>
internal static unsafe partial class Librdkafka
{
    private const string Name = "librdkafka";

    /// <summary>Confluent.Kafka's own candidates, in its order (Impl/LibRdKafka.cs, LoadLinuxDelegates).</summary>
    private static readonly string[] Candidates = ["librdkafka", "centos8-librdkafka"];

    static Librdkafka() => NativeLibrary.SetDllImportResolver(typeof(Librdkafka).Assembly, Resolve);

    /// <summary>The consumer's queue, where fetched messages wait (a new reference: destroy it).</summary>
    [LibraryImport(Name, EntryPoint = "rd_kafka_queue_get_consumer")]
    public static partial nint QueueGetConsumer(nint client);

    [LibraryImport(Name, EntryPoint = "rd_kafka_queue_destroy")]
    public static partial void QueueDestroy(nint queue);

    /// <summary>
    /// Up to <paramref name="size"/> messages from <paramref name="queue"/>; waits until <paramref name="timeoutMs"/>
    /// for each missing one (0: only what is queued). Also serves the queue's callbacks (logs, errors) and advances
    /// each partition's application position, as a single consume does.
    /// </summary>
    [LibraryImport(Name, EntryPoint = "rd_kafka_consume_batch_queue")]
    public static partial nint ConsumeBatchQueue(nint queue, int timeoutMs, Message** messages, nuint size);

    [LibraryImport(Name, EntryPoint = "rd_kafka_message_destroy")]
    public static partial void MessageDestroy(Message* message);

    [LibraryImport(Name, EntryPoint = "rd_kafka_topic_name")]
    public static partial byte* TopicName(nint topic);

    [LibraryImport(Name, EntryPoint = "rd_kafka_err2str")]
    public static partial byte* ErrorString(int error);

    [LibraryImport(Name, EntryPoint = "rd_kafka_version")]
    public static partial int Version();

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Name)
        {
            return 0;
        }

        var confluent = typeof(Confluent.Kafka.Library).Assembly;
        foreach (string candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, confluent, searchPath, out nint handle))
            {
                return handle;
            }
        }

        return 0;
    }

    /// <summary>rd_kafka_message_t, as rdkafka.h lays it out (a stable part of its ABI).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Message
    {
        public int Error;
        public nint Topic;
        public int Partition;
        public byte* Payload;
        public nuint Length;
        public byte* Key;
        public nuint KeyLength;
        public long Offset;
        public nint Private;
    }
}
