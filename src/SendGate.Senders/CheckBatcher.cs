using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using SendGate.Contracts.V1;
using Reason = SendGate.Core.Domain.Reason;

namespace SendGate.Senders;

/// <summary>
/// Gathers the questions of many concurrent callers (one RCPT per SMTP session, one sendsms per HTTP request) into
/// Check calls: a batch per sender profile, sent when it holds <see cref="GateSettings.MaxBatch"/> recipients or its
/// first question has waited <see cref="GateSettings.MaxWait"/> — so a busy MTA costs the gate batches, not single
/// calls, and a quiet one waits at most MaxWait. A Check the gate does not answer within
/// <see cref="GateSettings.Timeout"/> answers every question in it with <see cref="Verdict.Unanswered"/>.
/// </summary>
public sealed class CheckBatcher : IDisposable
{
    private readonly Gate.GateClient _gate;
    private readonly GateSettings _settings;
    private readonly SenderMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _adapter;
    private readonly Lock _lock = new();
    private readonly Dictionary<SenderProfile, Batch> _open = [];
    private long _sent;

    public CheckBatcher(Gate.GateClient gate, GateSettings settings, SenderMetrics metrics, ILogger logger, TimeProvider time, string adapter)
    {
        _gate = gate;
        _settings = settings;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _adapter = adapter;
    }

    /// <summary>One verdict per recipient, in order. Cancelling stops the wait, not the batch the question is in.</summary>
    public async Task<Verdict[]> DecideAsync(SenderProfile profile, IReadOnlyList<string> recipients, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(recipients);
        if (recipients.Count <= _settings.MaxBatch)
        {
            return await Enqueue(profile, recipients).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Larger than one batch: in slices of MaxBatch, answered in the caller's order.
        var slices = recipients.Chunk(_settings.MaxBatch).Select(slice => Enqueue(profile, slice)).ToArray();
        var answers = await Task.WhenAll(slices).WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. answers.SelectMany(answer => answer)];
    }

    private Task<Verdict[]> Enqueue(SenderProfile profile, IReadOnlyList<string> recipients)
    {
        var done = new TaskCompletionSource<Verdict[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        Batch? ready = null, full = null;
        lock (_lock)
        {
            if (_open.TryGetValue(profile, out var batch) && batch.Recipients.Count + recipients.Count > _settings.MaxBatch)
            {
                _open.Remove(profile);
                full = batch;
                batch = null;
            }

            if (batch is null)
            {
                batch = new Batch(profile);
                _open[profile] = batch;
                if (_settings.MaxWait > TimeSpan.Zero)
                {
                    batch.Timer = _time.CreateTimer(static state => ((BatchTimer)state!).Fire(), new BatchTimer(this, batch), _settings.MaxWait, Timeout.InfiniteTimeSpan);
                }
            }

            batch.Waiters.Add(new Waiter(batch.Recipients.Count, recipients.Count, done));
            batch.Recipients.AddRange(recipients);
            if (batch.Recipients.Count >= _settings.MaxBatch || _settings.MaxWait == TimeSpan.Zero)
            {
                _open.Remove(profile);
                ready = batch;
            }
        }

        Send(full);
        Send(ready);
        return done.Task;
    }

    private void Expire(Batch batch)
    {
        lock (_lock)
        {
            if (!_open.TryGetValue(batch.Profile, out var open) || !ReferenceEquals(open, batch))
            {
                return; // already sent full
            }

            _open.Remove(batch.Profile);
        }

        Send(batch);
    }

    private void Send(Batch? batch)
    {
        if (batch is not null)
        {
            batch.Timer?.Dispose();
            _ = SendAsync(batch);
        }
    }

    private async Task SendAsync(Batch batch)
    {
        var profile = batch.Profile;
        var request = new CheckRequest
        {
            RequestId = $"{_adapter}-{Interlocked.Increment(ref _sent)}",
            IysCode = profile.IysCode,
            BrandCode = profile.BrandCode,
            Channel = profile.Channel,
            RecipientType = profile.RecipientType,
            Kind = profile.Kind,
            RetailerCode = profile.RetailerCode,
        };
        request.Recipients.AddRange(batch.Recipients);
        long started = Stopwatch.GetTimestamp();
        try
        {
            var response = await _gate.CheckAsync(request, deadline: DateTime.UtcNow + _settings.Timeout).ConfigureAwait(false);
            var reasons = response.Reasons.Memory;
            if (reasons.Length != batch.Recipients.Count)
            {
                throw new RpcException(new Status(StatusCode.Internal, $"the gate answered {reasons.Length} reasons for {batch.Recipients.Count} recipients"));
            }

            _metrics.Checked(batch.Recipients.Count, Stopwatch.GetElapsedTime(started));
            foreach (var waiter in batch.Waiters)
            {
                var verdicts = new Verdict[waiter.Count];
                var span = reasons.Span.Slice(waiter.Start, waiter.Count);
                for (int i = 0; i < verdicts.Length; i++)
                {
                    verdicts[i] = new Verdict((Reason)span[i], null);
                }

                waiter.Done.TrySetResult(verdicts);
            }
        }
        catch (RpcException error)
        {
            Unanswered(batch, error.StatusCode, error.Status.Detail);
        }
#pragma warning disable CA1031 // Whatever failed, every waiter gets an answer: a caller left waiting is worse than "try later".
        catch (Exception error)
#pragma warning restore CA1031
        {
            Unanswered(batch, StatusCode.Unknown, error.Message);
        }
    }

    /// <summary>Every question of a Check the gate did not answer: "try later", with the status.</summary>
    private void Unanswered(Batch batch, StatusCode status, string detail)
    {
        _metrics.Failed(status);
        SenderLog.GateFailed(_logger, status, detail, batch.Recipients.Count, batch.Profile.BrandCode);
        Answer(batch, status);
    }

    private static void Answer(Batch batch, StatusCode status)
    {
        foreach (var waiter in batch.Waiters)
        {
            waiter.Done.TrySetResult(Enumerable.Repeat(Verdict.Unanswered(status), waiter.Count).ToArray());
        }
    }

    public void Dispose()
    {
        List<Batch> open;
        lock (_lock)
        {
            open = [.. _open.Values];
            _open.Clear();
        }

        foreach (var batch in open)
        {
            batch.Timer?.Dispose();
            Answer(batch, StatusCode.Unavailable);
        }
    }

    private sealed class Batch(SenderProfile profile)
    {
        public SenderProfile Profile { get; } = profile;

        public List<string> Recipients { get; } = [];

        public List<Waiter> Waiters { get; } = [];

        public ITimer? Timer { get; set; }
    }

    private sealed record Waiter(int Start, int Count, TaskCompletionSource<Verdict[]> Done);

    private sealed record BatchTimer(CheckBatcher Owner, Batch Batch)
    {
        public void Fire() => Owner.Expire(Batch);
    }
}
