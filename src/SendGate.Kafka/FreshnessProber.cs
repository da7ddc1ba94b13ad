using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace SendGate.Kafka;

/// <summary>
/// The freshness probe's own thread (each probe is a broker round trip per partition): every
/// interval it records the ends of what the gate reads (<see cref="FeedStreams"/>) as a
/// <see cref="FreshnessProbes.Probe"/>, and notices partitions added to the consent topic. Broker trouble is logged once, and recovery once;
/// meanwhile freshness stops advancing and the staleness policy takes over.
/// </summary>
internal sealed class FreshnessProber<TKey, TValue>(
    IConsumer<TKey, TValue> consumer,
    IAdminClient admin,
    PartitionDiscovery discovery,
    FreshnessProbes probes,
    FeedStreams streams,
    KafkaFeedOptions options,
    ILogger logger,
    TimeProvider clock) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;
    private int _partitions;

    /// <summary>The consent topic's partition count as last seen.</summary>
    public int Partitions => Volatile.Read(ref _partitions);

    public void Start(int partitions)
    {
        _partitions = partitions;
        _running = Task.Factory.StartNew(Run, _stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _running?.ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private void Run()
    {
        bool failing = false;
        while (!_stop.Token.WaitHandle.WaitOne(options.FreshnessInterval))
        {
            try
            {
                var at = clock.GetUtcNow();
                int partitions = discovery.PartitionCount(admin);
                var (_, ends) = discovery.Ends(consumer, partitions);
                if (partitions > Partitions)
                {
                    Volatile.Write(ref _partitions, partitions);
                }

                probes.Add(new FreshnessProbes.Probe(at, streams.Mask(ends)));
                if (failing)
                {
                    failing = false;
                    KafkaLog.ProbeRecovered(logger);
                }
            }
            catch (KafkaException exception)
            {
                if (!failing)
                {
                    failing = true;
                    KafkaLog.ProbeFailed(logger, exception.Error.Reason);
                }
            }
        }
    }
}
