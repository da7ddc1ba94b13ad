using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SendGate.Tests.Support;

/// <summary>
/// The gate's log lines as a test can wait for them: an event that proves something happened
/// (a feed looked for its topic and did not find it) instead of a sleep that hopes it did.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, string Message)> _entries = new();

    public IReadOnlyCollection<(int EventId, string Message)> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    /// <summary>Waits until <paramref name="count"/> entries with <paramref name="eventId"/> were logged.</summary>
    public async Task WaitForAsync(int eventId, int count, TimeSpan limit)
    {
        using var patience = new CancellationTokenSource(limit);
        while (_entries.Count(e => e.EventId == eventId) < count)
        {
            try
            {
                await Task.Delay(20, patience.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"event {eventId} was logged {_entries.Count(e => e.EventId == eventId)} times within {limit}, not {count}");
            }
        }
    }

    private sealed class Logger(LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._entries.Enqueue((eventId.Id, formatter(state, exception)));
    }
}
