using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SendGate.Iys.Sync.Push;

namespace SendGate.Iys.Sync;

/// <summary>What the last round said, for /readyz: ready once a round has caught every brand and source up.</summary>
public sealed class SyncHealth
{
    private volatile SyncSummary? _last;
    private volatile string? _failure;

    public SyncSummary? Last => _last;

    /// <summary>Why the last round could not even start (e.g. a partner's brands could not be listed); null when it ran.</summary>
    public string? Failure => _failure;

    public bool IsReady => _last is { AllCaughtUp: true } && _failure is null;

    internal void Update(SyncSummary summary)
    {
        _last = summary;
        _failure = null;
    }

    internal void Failed(string reason) => _failure = reason;
}

/// <summary>
/// One of the connector's loops as a hosted service: a round, then a wait, until the host stops. A round that throws —
/// whatever İYS, Kafka or the disk did — is logged (7032), counted (<c>sendgate_iys_loop_failures_total{loop}</c>) and
/// retried after a short wait: a loop never dies of one bad answer, and the loops do not share a fate (PULL, the push
/// of refusals and the receiver of İYS's push each go on when another fails).
/// </summary>
public abstract class ConnectorLoop(string name, TimeSpan interval, TimeProvider clock, ILogger logger, IysSyncMetrics metrics) : BackgroundService
{
    private static readonly TimeSpan FailedRoundWait = TimeSpan.FromSeconds(10);

    /// <summary>One round; false when it did not finish its work (then the next comes sooner).</summary>
    protected abstract Task<bool> RunRoundAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // let the host finish starting: a round can take long
        while (!stoppingToken.IsCancellationRequested)
        {
            bool done;
            try
            {
                done = await RunRoundAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                done = false;
                metrics.RecordLoopFailure(name);
                IysSyncLog.LoopFailed(logger, name, exception.Message);
                OnFailed(exception);
            }

            try
            {
                await Task.Delay(!done && FailedRoundWait < interval ? FailedRoundWait : interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>What a loop does with a round that threw, besides logging and counting it.</summary>
    protected virtual void OnFailed(Exception exception)
    {
    }
}

/// <summary>
/// PULL: a round over every brand and source, every Iys:PollInterval (a failed round is retried sooner), until the host
/// stops — which cancels the round between Kafka's acknowledgement and the cursor's write at worst, so the page is
/// published again next time, never skipped.
/// </summary>
public sealed class PullLoop(IysSync sync, IysSyncOptions options, SyncHealth health, TimeProvider clock, ILogger<PullLoop> logger, IysSyncMetrics metrics)
    : ConnectorLoop("pull", options.PollInterval, clock, logger, metrics)
{
    protected override async Task<bool> RunRoundAsync(CancellationToken cancellationToken)
    {
        var summary = await sync.RunRoundAsync(cancellationToken);
        health.Update(summary);
        IysSyncLog.RoundDone(logger, summary.Published, summary.Pages, options.PollInterval);
        return !summary.Streams.Any(stream => stream is { CaughtUp: false, Stopped: false });
    }

    protected override void OnFailed(Exception exception) => health.Failed(exception.Message);
}

/// <summary>The sender's refusals on their way to İYS: a push round every Iys:PollInterval, never waiting for İYS inside one.</summary>
public sealed class PushLoop(OptOutPush push, IysSyncOptions options, TimeProvider clock, ILogger<PushLoop> logger, IysSyncMetrics metrics)
    : ConnectorLoop("push", options.PollInterval, clock, logger, metrics)
{
    protected override async Task<bool> RunRoundAsync(CancellationToken cancellationToken) => (await push.RunRoundAsync(cancellationToken)).Error is null;
}
