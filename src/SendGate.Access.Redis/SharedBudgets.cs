using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace SendGate.Access.Redis;

/// <summary>
/// A replica's side of the fleet-wide budgets: one Redis connection, one token bucket per client and purpose in
/// Redis, and this replica's leases of them (<see cref="Create"/>). A lease is one atomic script (refill the
/// bucket by the time elapsed on Redis's clock, take up to the slice asked, say how long until the rest exists);
/// the replica spends its lease in memory and asks for the next slice in the background when half is gone, so an
/// admission never waits for Redis. Tokens are taken from Redis before they are spent: the replicas together never
/// admit more than the grant while Redis answers (what they may leave unspent is at most one slice each). A Redis
/// that restarts forgets the buckets, which start full again: one more burst. While Redis does not answer, a
/// replica spends what it has leased, then does as <see cref="SharedLimitsOptions.WhenUnavailable"/> says, and
/// returns to the shared budget by itself once Redis answers again (StackExchange.Redis reconnects).
/// </summary>
public sealed partial class SharedBudgets : IAsyncDisposable
{
    internal static readonly LuaScript Lease = LuaScript.Prepare("""
        local capacity = tonumber(@capacity)
        local rate = tonumber(@rate)
        local asked = tonumber(@asked)
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local state = redis.call('HMGET', @key, 'tokens', 'at')
        local tokens = tonumber(state[1])
        local at = tonumber(state[2])
        if tokens == nil or at == nil then
          tokens = capacity
          at = now
        end
        if now > at then
          tokens = math.min(capacity, tokens + (now - at) * rate / 1000)
          at = now
        end
        local granted = math.max(0, math.min(asked, math.floor(tokens)))
        tokens = tokens - granted
        redis.call('HSET', @key, 'tokens', tostring(tokens), 'at', tostring(at))
        redis.call('PEXPIRE', @key, math.ceil(capacity * 1000 / rate) + 60000)
        local wait = 0
        if granted < asked then
          wait = math.ceil((asked - granted - tokens) * 1000 / rate)
        end
        return { granted, wait }
        """);

    private static readonly TimeSpan RetryWhileUnavailable = TimeSpan.FromMilliseconds(250);

    private readonly SharedLimitsOptions _options;
    private readonly TimeProvider _clock;
    private readonly SharedBudgetMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConnectionMultiplexer _redis;
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _available = true;

    private SharedBudgets(SharedLimitsOptions options, ConnectionMultiplexer redis, TimeProvider clock, SharedBudgetMetrics metrics, ILogger logger)
    {
        _options = options;
        _redis = redis;
        _clock = clock;
        _metrics = metrics;
        _logger = logger;
        _redis.ConnectionRestored += (_, _) => LogConnection(_logger, "restored", _options.KeyPrefix);
    }

    /// <summary>
    /// Connects (without waiting for Redis to answer: a replica starts even when Redis is down, and then does as
    /// WhenUnavailable says until it answers).
    /// </summary>
    public static SharedBudgets Connect(SharedLimitsOptions options, TimeProvider clock, SharedBudgetMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configuration = ConfigurationOptions.Parse(options.Redis!);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)Math.Max(options.Timeout.TotalMilliseconds, 1000);
        configuration.AsyncTimeout = (int)options.Timeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)options.Timeout.TotalMilliseconds;
        configuration.ClientName ??= "sendgate-" + Environment.MachineName;
        return new SharedBudgets(options, ConnectionMultiplexer.Connect(configuration), clock, metrics, logger);
    }

    /// <summary>Whether the last lease script got an answer.</summary>
    public bool IsAvailable => _available;

    /// <summary>The budget factory for <see cref="ClientDirectory"/>: each client's budgets leased from Redis.</summary>
    public IRateBudget Create(string client, string purpose, long capacity, double ratePerSecond)
    {
        var budget = new SharedBudget(this, $"{_options.KeyPrefix}budget:{client}:{purpose}", capacity, ratePerSecond,
            Math.Clamp((long)Math.Ceiling(ratePerSecond * _options.LeaseTime.TotalSeconds), 1, capacity), _clock);
        budget.Prefetch();
        return budget;
    }

    internal WhenUnavailable WhenUnavailable => _options.WhenUnavailable;

    internal SharedBudgetMetrics Metrics => _metrics;

    /// <summary>Asks Redis for the budget's next slice, off the caller's path.</summary>
    internal void Refill(SharedBudget budget) => _ = LeaseAsync(budget);

    private async Task LeaseAsync(SharedBudget budget)
    {
        long asked = budget.Shortfall();
        long started = Stopwatch.GetTimestamp();
        TimeSpan again;
        try
        {
            var answer = (RedisResult[])(await _redis.GetDatabase().ScriptEvaluateAsync(Lease, new
            {
                key = (RedisKey)budget.Key,
                capacity = budget.Capacity,
                rate = budget.RatePerSecond.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                asked,
            }).WaitAsync(_options.Timeout, _stopping.Token).ConfigureAwait(false))!;
            long granted = (long)answer[0], waitMs = (long)answer[1];
            _metrics.Leased(granted == asked ? "full" : granted > 0 ? "partial" : "empty", Stopwatch.GetElapsedTime(started));
            if (!_available)
            {
                _available = true;
                _metrics.Available(true);
                LogAvailable(_logger);
            }

            if (!budget.Deposit(granted, TimeSpan.FromMilliseconds(Math.Max(waitMs, 1))))
            {
                return;
            }

            // Ask again when Redis said the rest would exist, but at least once a second: a Redis that restarted (a
            // full bucket again) or a raised grant would otherwise wait out the old bucket's refill time.
            again = TimeSpan.FromMilliseconds(Math.Clamp(waitMs, 1, 1_000));
        }
        catch (Exception error) when (error is RedisException or TimeoutException && !_stopping.IsCancellationRequested)
        {
            _metrics.LeaseFailed();
            if (_available)
            {
                _available = false;
                _metrics.Available(false);
                LogUnavailable(_logger, error.Message, _options.WhenUnavailable);
            }

            again = RetryWhileUnavailable;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }

        // Still short: ask again when Redis said the rest would exist (or Redis may answer again).
        try
        {
            await Task.Delay(again, _clock, _stopping.Token).ConfigureAwait(false);
            await LeaseAsync(budget).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _redis.CloseAsync().ConfigureAwait(false);
        await _redis.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    [LoggerMessage(3101, LogLevel.Warning, "Shared client budgets: Redis does not answer ({Problem}); admitting from leased slices, then {WhenUnavailable}")]
    private static partial void LogUnavailable(ILogger logger, string problem, WhenUnavailable whenUnavailable);

    [LoggerMessage(3102, LogLevel.Information, "Shared client budgets: Redis answers again; budgets are fleet-wide again")]
    private static partial void LogAvailable(ILogger logger);

    [LoggerMessage(3103, LogLevel.Information, "Shared client budgets: Redis connection {State} (keys {KeyPrefix}budget:*)")]
    private static partial void LogConnection(ILogger logger, string state, string keyPrefix);
}
