using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGate.Core.Consent;
using SendGate.Core.Hashing;
using SendGate.Feed.Checkpoints;
using SendGate.Index;

namespace SendGate.Durability.Tests;

/// <summary>One gate's durable state in a directory, opened as a start-up would; disposing without a checkpoint is a crash.</summary>
internal sealed class DurableState : IDisposable
{
    public static readonly HashingKey Key = HashingKey.ParseBase64("c2VuZGdhdGUtdGVzdGtleQ==");
    private readonly ServiceProvider _services;

    // indexCheckpointLogMiB: by default (1024) only the first checkpoint of a test writes FASTER's hash index; 0 makes every one full.
    public DurableState(string path, HashingKey? key = null, int keep = 3, bool snapshots = true, int indexCheckpointLogMiB = 1024)
    {
        _services = new ServiceCollection().AddMetrics().AddLogging(builder => builder.AddProvider(Log)).BuildServiceProvider();
        var options = new DurabilityOptions { Path = path, KeepCheckpoints = keep, LogMemoryMiB = 16, PageKiB = 64, CheckpointInterval = TimeSpan.FromHours(1), IndexSnapshots = snapshots, IndexCheckpointLogMiB = indexCheckpointLogMiB };
        Records = new FasterRecordStore(options, expectedRecords: 1 << 16);
        Store = new ConsentStore(new ConsentIndex(new ConsentIndexOptions { ExpectedTuples = 1 << 14 }), Records);
        Checkpoints = new DurableCheckpoints(
            Store,
            Records,
            new RecipientHasher(key ?? Key),
            Options.Create(options),
            new DurabilityMetrics(_services.GetRequiredService<IMeterFactory>(), TimeProvider.System),
            _services.GetRequiredService<ILogger<DurableCheckpoints>>(),
            TimeProvider.System);
    }

    public CapturingLoggerProvider Log { get; } = new();

    public FasterRecordStore Records { get; }

    public ConsentStore Store { get; }

    public DurableCheckpoints Checkpoints { get; }

    public FeedResumePoint? Recover(string source = "kafka:consents") => Checkpoints.Recover(source, CancellationToken.None);

    /// <summary>Takes a checkpoint and asserts it was taken (the gate itself only logs a failure and retries).</summary>
    public void Checkpoint(FeedResumePoint point)
    {
        int before = Log.Lines.Count;
        Checkpoints.Checkpoint(point);
        Assert.Contains(Log.Lines.Skip(before), line => line.Contains(") taken in", StringComparison.Ordinal));
    }

    public void Apply(IEnumerable<object> changes)
    {
        foreach (object change in changes)
        {
            _ = change switch
            {
                ConsentChange consent => Store.Apply(consent),
                LineClosure closure => Store.Apply(closure),
                _ => throw new ArgumentException("not a change", nameof(changes)),
            };
        }
    }

    public StateDigest Digest()
    {
        var digest = new StateDigest();
        Assert.True(Records.Visit(digest));
        return digest;
    }

    public void Dispose()
    {
        Store.Dispose();
        _services.Dispose();
    }
}

/// <summary>Keeps every log line, so tests can assert what an operator would read.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (provider._lines)
            {
                provider._lines.Add($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }
}
