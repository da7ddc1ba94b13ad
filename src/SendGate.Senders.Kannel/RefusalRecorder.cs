using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SendGate.Contracts.V1;

namespace SendGate.Senders.Kannel;

/// <summary>
/// Records refusals with the gate (Gate.RecordOptOut: published at once to the consent topic, queued for İYS). Kannel
/// does not send a reply's get-url twice, so a refusal the gate cannot take now is kept and retried (with the time it
/// was received, so that its id stays the same) until the gate takes it or says it never will (INVALID_ARGUMENT).
/// Kept in memory only — the address may not reach disk — so a refusal still pending when the front stops is lost
/// and logged as such.
/// </summary>
public sealed class RefusalRecorder(Gate.GateClient gate, GateSettings settings, KannelMetrics metrics, ILogger<RefusalRecorder> logger, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(1);
    private readonly System.Threading.Channels.Channel<(RecordOptOutRequest Request, string User)> _pending = System.Threading.Channels.Channel.CreateUnbounded<(RecordOptOutRequest, string)>();
    private int _waiting;

    public enum Outcome
    {
        Recorded,
        Queued,
        Invalid,
    }

    public async Task<Outcome> RecordAsync(RecordOptOutRequest request, string user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var answer = await gate.RecordOptOutAsync(request, deadline: DateTime.UtcNow + settings.Timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            KannelLog.RefusalRecorded(logger, user, request.BrandCode, answer.OptOutId);
            return Outcome.Recorded;
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.InvalidArgument)
        {
            KannelLog.RefusalRejected(logger, request.BrandCode, error.StatusCode, error.Status.Detail);
            return Outcome.Invalid;
        }
        catch (RpcException error)
        {
            KannelLog.RefusalDeferred(logger, request.BrandCode, error.StatusCode, error.Status.Detail, FirstRetry);
            Interlocked.Increment(ref _waiting);
            metrics.Pending(1);
            _pending.Writer.TryWrite((request, user));
            return Outcome.Queued;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (request, user) in _pending.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await RetryAsync(request, user, stoppingToken).ConfigureAwait(false);
                Interlocked.Decrement(ref _waiting);
                metrics.Pending(-1);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            int lost = Volatile.Read(ref _waiting);
            if (lost > 0)
            {
                KannelLog.RefusalsLost(logger, lost);
            }
        }
    }

    private async Task RetryAsync(RecordOptOutRequest request, string user, CancellationToken stoppingToken)
    {
        for (var delay = FirstRetry; ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetry.Ticks)))
        {
            await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            try
            {
                var answer = await gate.RecordOptOutAsync(request, deadline: DateTime.UtcNow + settings.Timeout, cancellationToken: stoppingToken).ConfigureAwait(false);
                KannelLog.RefusalRecorded(logger, user, request.BrandCode, answer.OptOutId);
                return;
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.InvalidArgument)
            {
                KannelLog.RefusalRejected(logger, request.BrandCode, error.StatusCode, error.Status.Detail);
                return;
            }
            catch (RpcException error) when (!stoppingToken.IsCancellationRequested)
            {
                KannelLog.RefusalDeferred(logger, request.BrandCode, error.StatusCode, error.Status.Detail, delay * 2);
            }
        }
    }
}
