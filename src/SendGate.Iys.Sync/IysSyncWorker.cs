using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SendGate.Iys.Sync;

/// <summary>What the last round said, for /readyz: ready once a round has caught every brand and source up.</summary>
public sealed class SyncHealth
{
    private volatile SyncSummary? _last;

    public SyncSummary? Last => _last;

    public bool IsReady => _last is { AllCaughtUp: true };

    internal void Update(SyncSummary summary) => _last = summary;
}

/// <summary>
/// The long-lived connector: a round over every brand and source (then, with OptOut:SealingKey, a push of the
/// refusals gates recorded), then a wait of Iys:PollInterval (a failed
/// round is retried sooner), until the host stops — which cancels the round between Kafka's acknowledgement and
/// the cursor's write at worst, so the page is published again next time, never skipped.
/// </summary>
public sealed class IysSyncWorker(IysSync sync, IysSyncOptions options, SyncHealth health, TimeProvider clock, ILogger<IysSyncWorker> logger, Push.OptOutPush? push = null) : BackgroundService
{
    private static readonly TimeSpan FailedRoundWait = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // let the host finish starting: a round can take long
        while (!stoppingToken.IsCancellationRequested)
        {
            var summary = await sync.RunRoundAsync(stoppingToken);
            health.Update(summary);
            bool failed = summary.Streams.Any(stream => stream is { CaughtUp: false, Stopped: false });
            if (push is not null)
            {
                failed |= !(await push.RunRoundAsync(stoppingToken)).Settled; // the sender's refusals, on their way to İYS
            }

            var wait = failed && FailedRoundWait < options.PollInterval ? FailedRoundWait : options.PollInterval;
            IysSyncLog.RoundDone(logger, summary.Published, summary.Pages, wait);
            try
            {
                await Task.Delay(wait, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
