using System.Diagnostics;
using SendGate.LoadDriver.Measuring;

namespace SendGate.LoadDriver.Running;

/// <summary>Runs a plan against a call target and records what it measured.</summary>
internal static class LoadRunner
{
    /// <summary>How long calls still in flight at the end may take to finish before they are cancelled (and counted as such).</summary>
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    /// <summary>Runs the plan; <paramref name="progress"/> is handed the live recorder once, at the start, to sample as it likes.</summary>
    public static Task<RunRecorder> RunAsync(ICallTarget target, LoadPlan plan, int requestCount, IProgress<RunRecorder>? progress, CancellationToken cancellationToken) =>
        RunAsync(target, plan, requestCount, progress, Drain, cancellationToken);

    /// <summary>As above, with the time calls in flight at the plan's end (<paramref name="drain"/>) may take before they are cancelled.</summary>
    internal static async Task<RunRecorder> RunAsync(ICallTarget target, LoadPlan plan, int requestCount, IProgress<RunRecorder>? progress, TimeSpan drain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(plan);
        long start = Stopwatch.GetTimestamp();
        var recorder = new RunRecorder(start + Ticks(plan.MeasureStart), start + Ticks(plan.End));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        progress?.Report(recorder);
        var calls = plan.Model == LoadModel.Open
            ? await OfferOpenAsync(target, plan, requestCount, start, recorder, stop.Token).ConfigureAwait(false)
            : await OfferClosedAsync(target, plan, requestCount, start, recorder, stop.Token).ConfigureAwait(false);
        var drained = Task.WhenAll(calls);

        // The drain starts at the plan's end, not when the calls were offered: closed-model callers
        // are all offered at the start, and a drain counted from there cut every run past it short.
        var untilEnd = plan.End - Stopwatch.GetElapsedTime(start);
        if (untilEnd > TimeSpan.Zero)
        {
            await Task.WhenAny(drained, Task.Delay(untilEnd, cancellationToken)).ConfigureAwait(false);
        }

        if (await Task.WhenAny(drained, Task.Delay(drain, cancellationToken)).ConfigureAwait(false) != drained)
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        await drained.ConfigureAwait(false);
        return recorder;
    }

    /// <summary>
    /// The schedule, not the server, decides when each request goes: a dedicated thread sleeps
    /// until the next request is due (sub-millisecond, <see cref="PreciseSleep"/>) and sends every
    /// due request (up to <see cref="LoadPlan.Concurrency"/> in flight; beyond that they wait, and
    /// the wait counts in their latency, because it counts from the scheduled time).
    /// </summary>
    private static Task<List<Task>> OfferOpenAsync(ICallTarget target, LoadPlan plan, int requestCount, long start, RunRecorder recorder, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<List<Task>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var scheduler = new Thread(() =>
        {
            var calls = new List<Task>();
            var slots = new SemaphoreSlim(plan.Concurrency);
            long total = plan.DueBy(plan.End);
            for (long sent = 0; sent < total && !cancellationToken.IsCancellationRequested; sent++)
            {
                long intended = start + Ticks(plan.DueAt(sent));
                long now = Stopwatch.GetTimestamp();
                if (intended > now)
                {
                    PreciseSleep.For(Stopwatch.GetElapsedTime(now, intended));
                }

                recorder.RecordSendLag(intended, Stopwatch.GetTimestamp());
                calls.Add(CallAsync(target, (int)(sent % requestCount), intended, slots, recorder, cancellationToken));
                if (calls.Count > 4 * plan.Concurrency)
                {
                    calls.RemoveAll(call => call.IsCompleted);
                }
            }

            done.SetResult(calls);
        })
        {
            IsBackground = true,
            Name = "open-model schedule",
            Priority = ThreadPriority.AboveNormal,
        };
        scheduler.Start();
        return done.Task;
    }

    private static async Task CallAsync(ICallTarget target, int request, long intended, SemaphoreSlim slots, RunRecorder recorder, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var outcome = await target.CallAsync(request, cancellationToken).ConfigureAwait(false);
            recorder.Record(intended, Stopwatch.GetTimestamp(), outcome);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Callers join one by one over the ramp; each sends, waits for the answer, sends again, until the end.</summary>
    private static Task<List<Task>> OfferClosedAsync(ICallTarget target, LoadPlan plan, int requestCount, long start, RunRecorder recorder, CancellationToken cancellationToken)
    {
        long end = start + Ticks(plan.End);
        var callers = Enumerable.Range(0, plan.Concurrency).Select(caller => Task.Run(async () =>
        {
            var joinAt = plan.Ramp * caller / plan.Concurrency;
            var wait = joinAt - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, CancellationToken.None).ConfigureAwait(false);
            }

            int request = caller;
            while (!cancellationToken.IsCancellationRequested)
            {
                long sent = Stopwatch.GetTimestamp();
                if (sent >= end)
                {
                    break;
                }

                var outcome = await target.CallAsync(request % requestCount, cancellationToken).ConfigureAwait(false);
                recorder.Record(sent, Stopwatch.GetTimestamp(), outcome);
                request += plan.Concurrency;
            }
        }, CancellationToken.None)).ToList();
        return Task.FromResult(callers);
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
