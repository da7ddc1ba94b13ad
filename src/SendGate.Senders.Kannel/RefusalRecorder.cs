using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using SendGate.Contracts.V1;

namespace SendGate.Senders.Kannel;

/// <summary>
/// Records refusals with the gate (Gate.RecordOptOut: published at once to the consent topic, queued for İYS). Kannel
/// does not send a reply's get-url twice, so a refusal the gate cannot take now is kept and retried (Polly: jittered
/// exponential backoff from 1 s to 1 min, with the time it was received, so that its id stays the same) until the
/// gate takes it or says it never will (INVALID_ARGUMENT). Kept in memory only — the address may not reach disk — so
/// a refusal still pending when the front stops is lost and logged as such.
/// </summary>
public sealed class RefusalRecorder : BackgroundService
{
    private static readonly ResiliencePropertyKey<uint> Brand = new("sendgate.brand");
    private readonly Gate.GateClient _gate;
    private readonly GateSettings _settings;
    private readonly KannelMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _retry;
    private readonly System.Threading.Channels.Channel<(RecordOptOutRequest Request, string User)> _pending = System.Threading.Channels.Channel.CreateUnbounded<(RecordOptOutRequest, string)>();
    private int _waiting;

    public RefusalRecorder(Gate.GateClient gate, GateSettings settings, KannelMetrics metrics, ILogger<RefusalRecorder> logger, TimeProvider time)
    {
        _gate = gate;
        _settings = settings;
        _metrics = metrics;
        _logger = logger;
        _retry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(error => error.StatusCode != StatusCode.InvalidArgument),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromMinutes(1),
                OnRetry = args =>
                {
                    var error = (RpcException)args.Outcome.Exception!;
                    KannelLog.RefusalDeferred(logger, args.Context.Properties.GetValue(Brand, 0u), error.StatusCode, error.Status.Detail, args.RetryDelay);
                    return default;
                },
            })
            .Build();
    }

    public enum Outcome
    {
        Recorded,
        Queued,
        Invalid,
    }

    /// <summary>One attempt now; a refusal the gate cannot take yet is queued for the retries (<see cref="Outcome.Queued"/>).</summary>
    public async Task<Outcome> RecordAsync(RecordOptOutRequest request, string user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            await RecordOnceAsync(request, user, cancellationToken).ConfigureAwait(false);
            return Outcome.Recorded;
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.InvalidArgument)
        {
            KannelLog.RefusalRejected(_logger, request.BrandCode, error.StatusCode, error.Status.Detail);
            return Outcome.Invalid;
        }
        catch (RpcException error)
        {
            KannelLog.RefusalDeferred(_logger, request.BrandCode, error.StatusCode, error.Status.Detail, TimeSpan.FromSeconds(1));
            Interlocked.Increment(ref _waiting);
            _metrics.Pending(1);
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
                var context = ResilienceContextPool.Shared.Get(stoppingToken);
                context.Properties.Set(Brand, request.BrandCode);
                try
                {
                    await _retry.ExecuteAsync(async (c, _) => await RecordOnceAsync(request, user, c.CancellationToken).ConfigureAwait(false), context, 0).ConfigureAwait(false);
                }
                catch (RpcException error) when (error.StatusCode == StatusCode.InvalidArgument)
                {
                    KannelLog.RefusalRejected(_logger, request.BrandCode, error.StatusCode, error.Status.Detail);
                }
                finally
                {
                    ResilienceContextPool.Shared.Return(context);
                }

                Interlocked.Decrement(ref _waiting);
                _metrics.Pending(-1);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            int lost = Volatile.Read(ref _waiting);
            if (lost > 0)
            {
                KannelLog.RefusalsLost(_logger, lost);
            }
        }
    }

    private async Task RecordOnceAsync(RecordOptOutRequest request, string user, CancellationToken cancellationToken)
    {
        var answer = await _gate.RecordOptOutAsync(request, deadline: DateTime.UtcNow + _settings.Timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        KannelLog.RefusalRecorded(_logger, user, request.BrandCode, answer.OptOutId);
    }
}
