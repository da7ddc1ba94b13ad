using Polly;
using Polly.Retry;

namespace SendGate.Kafka;

/// <summary>
/// How the feed waits for the broker: the same attempt again every second for as long as the
/// gate runs, each failure reported — a feed must neither skip an event nor give up on its
/// source; stopping the gate cancels the wait.
/// </summary>
internal static class BrokerRetry
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <param name="failed">Whether an attempt's outcome calls for another attempt.</param>
    /// <param name="report">Called with each failed outcome, before the wait.</param>
    public static ResiliencePipeline<T> Forever<T>(Func<Outcome<T>, bool> failed, Action<Outcome<T>> report) =>
        new ResiliencePipelineBuilder<T>()
            .AddRetry(new RetryStrategyOptions<T>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not OperationCanceledException && failed(args.Outcome)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Constant,
                Delay = Interval,
                UseJitter = false,
                OnRetry = args =>
                {
                    report(args.Outcome);
                    return default;
                },
            })
            .Build();
}
