using System.Buffers;
using System.Diagnostics.Metrics;
using System.Numerics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SendGate.Audit;

/// <summary>
/// The decision log: the serving path appends a record and returns; one writer thread drains the
/// bounded queue into the sinks. A full queue drops the new record and counts it
/// (<c>sendgate_decision_log_dropped_total</c>) rather than slowing answers; a failing sink is
/// counted and logged, and the others still get the record. On shutdown the queue is drained.
/// </summary>
public sealed partial class DecisionLog : IHostedService, IDisposable
{
    public const string MeterName = "SendGate.Audit";

    private readonly Channel<DecisionRecord> _queue;
    private readonly IDecisionSink[] _sinks;
    private readonly ILogger<DecisionLog> _logger;
    private readonly Meter _meter = new(MeterName);
    private long _writtenTotal;
    private long _failedTotal;
    private long _droppedTotal;
    private int _busy;
    private Task? _writer;

    public DecisionLog(IOptions<DecisionLogOptions> options, IEnumerable<IDecisionSink> sinks, ILogger<DecisionLog> logger)
    {
        _sinks = [.. sinks];
        _logger = logger;
        Enabled = _sinks.Length > 0;
        _queue = Channel.CreateBounded<DecisionRecord>(new BoundedChannelOptions(options.Value.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuse when full, so the caller counts the drop
            SingleReader = true,
        });
        // Observed, not counted per event: the series exist (at 0) from the start, so an alert on drops has something to watch.
        _meter.CreateObservableCounter("sendgate.decision_log.written", () => Written, description: "Decision records written to every sink");
        _meter.CreateObservableCounter("sendgate.decision_log.dropped", () => Dropped, description: "Decision records dropped because the queue was full");
        _meter.CreateObservableCounter("sendgate.decision_log.failed", () => Failed, description: "Decision records a sink failed to write (now or, for Kafka, on delivery)");
        _meter.CreateObservableGauge("sendgate.decision_log.queued", () => _queue.Reader.Count, description: "Decision records waiting to be written");
    }

    /// <summary>False when no sink is configured: callers skip building records.</summary>
    public bool Enabled { get; }

    /// <summary>Records written to every sink since start (also a metric).</summary>
    public long Written => Interlocked.Read(ref _writtenTotal);

    /// <summary>Records dropped since start (also a metric).</summary>
    public long Dropped => Interlocked.Read(ref _droppedTotal);

    /// <summary>Records a sink failed to write, at once or later, since start (also a metric).</summary>
    public long Failed => Interlocked.Read(ref _failedTotal) + _sinks.Sum(s => s.AsyncFailures);

    /// <summary>Queues a record; never waits.</summary>
    public void Append(DecisionRecord record)
    {
        if (!_queue.Writer.TryWrite(record))
        {
            Interlocked.Increment(ref _droppedTotal);
        }
    }

    /// <summary>Waits until every record appended so far has been handed to the sinks and flushed (tests, shutdown).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (_queue.Reader.Count > 0 || Volatile.Read(ref _busy) != 0)
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts the writer. Not a BackgroundService: a stop that came before the writer ran would cancel it and lose the queue.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer ??= Task.Run(WriteLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Completes the queue and waits until the writer has handed everything in it to the sinks (or the host gives up waiting).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The sinks belong to the container, which disposes them after this (StopAsync has drained the queue into them by then).</summary>
    public void Dispose() => _meter.Dispose();

    private async Task WriteLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            Volatile.Write(ref _busy, 1);
            while (reader.TryRead(out var record))
            {
                buffer.ResetWrittenCount();
                DecisionJson.Write(buffer, record);
                WriteToSinks(buffer.WrittenSpan, record);
            }

            foreach (var sink in _sinks)
            {
                try
                {
                    sink.Flush();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    AuditLog.SinkFailed(_logger, sink.GetType().Name, e);
                }
            }

            Volatile.Write(ref _busy, 0);
        }
    }

    private void WriteToSinks(ReadOnlySpan<byte> json, DecisionRecord record)
    {
        bool ok = true;
        foreach (var sink in _sinks)
        {
            try
            {
                sink.Write(json, record);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                ok = false;
                if (BitOperations.IsPow2(Interlocked.Increment(ref _failedTotal)))
                {
                    // Logged at the 1st, 2nd, 4th, 8th… failure: a full disk must not also flood the log.
                    AuditLog.SinkFailed(_logger, sink.GetType().Name, e);
                }
            }
        }

        if (ok)
        {
            Interlocked.Increment(ref _writtenTotal);
        }
    }

}
