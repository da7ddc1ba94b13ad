using System.Diagnostics;
using Grpc.Core;
using SendGate.LoadDriver.Measuring;
using SendGate.LoadDriver.Running;

namespace SendGate.LoadDriver.Tests;

/// <summary>
/// The measurement itself, against a call target whose latency the test controls: a server that
/// stalls for half a second must show in the open model's tail (every request scheduled during
/// the stall waits for it), while a closed model with one caller records the stall only once —
/// the coordinated omission the open model exists to avoid.
/// </summary>
[Collection(MeasuredTime.Name)]
public sealed class LoadRunnerTests
{
    private static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task OpenModel_ChargesAStallToEveryRequestScheduledDuringIt()
    {
        var target = new StallingTarget(stallAfter: TimeSpan.FromSeconds(1.5), Stall);
        var plan = new LoadPlan(LoadModel.Open, Rate: 200, Concurrency: 1, TimeSpan.Zero, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(3));

        var recorder = await LoadRunner.RunAsync(target, plan, requestCount: 10, progress: null, CancellationToken.None);

        // 3 s at 200/s; the ~100 requests scheduled during the stall wait up to 500 ms (≈ 1/6 of all).
        Assert.InRange(recorder.Requests, 590, 601);
        Assert.Equal(0, recorder.ErrorCount);
        Assert.True(recorder.Latency.ValueAtQuantile(0.95) > 100_000_000, $"p95 {recorder.Latency.ValueAtQuantile(0.95) / 1e6:F1} ms: the stall was not charged to the requests it delayed");
        Assert.True(recorder.Latency.Max >= 450_000_000, $"max {recorder.Latency.Max / 1e6:F1} ms");
    }

    [Fact]
    public async Task ClosedModel_WithOneCaller_RecordsTheStallOnce()
    {
        var target = new StallingTarget(stallAfter: TimeSpan.FromSeconds(1.5), Stall);
        var plan = new LoadPlan(LoadModel.Closed, Rate: 0, Concurrency: 1, TimeSpan.Zero, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(3));

        var recorder = await LoadRunner.RunAsync(target, plan, requestCount: 10, progress: null, CancellationToken.None);

        Assert.True(recorder.Requests > 100, $"{recorder.Requests} calls");
        Assert.True(recorder.Latency.ValueAtQuantile(0.95) < 50_000_000, $"p95 {recorder.Latency.ValueAtQuantile(0.95) / 1e6:F1} ms");
        Assert.True(recorder.Latency.Max >= 450_000_000, $"max {recorder.Latency.Max / 1e6:F1} ms");
    }

    [Fact]
    public async Task ClosedModel_LongerThanTheDrain_RunsToItsEnd()
    {
        // Closed-model callers are all offered at the start: a drain timed from there cancelled
        // every call still running when it ran out, cutting any run longer than the drain short.
        var target = new StallingTarget(stallAfter: TimeSpan.MaxValue, Stall);
        var plan = new LoadPlan(LoadModel.Closed, Rate: 0, Concurrency: 2, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(1));

        var recorder = await LoadRunner.RunAsync(target, plan, requestCount: 10, progress: null, drain: TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.Equal(0, recorder.ErrorCount);
        Assert.True(recorder.Requests > 100, $"{recorder.Requests} calls in a 1 s run");
    }

    [Fact]
    public async Task Failures_AreCountedByStatus_AndRecipientsOnlyWhenAnswered()
    {
        var target = new FailingEveryThirdTarget();
        var plan = new LoadPlan(LoadModel.Closed, Rate: 0, Concurrency: 2, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(0.5));

        var recorder = await LoadRunner.RunAsync(target, plan, requestCount: 3, progress: null, CancellationToken.None);

        long failed = recorder.Errors[StatusCode.ResourceExhausted];
        Assert.True(failed > 0);
        Assert.Equal(recorder.Requests, failed + (recorder.Recipients / 10));
        Assert.Equal(failed, recorder.ErrorCount);
    }

    /// <summary>
    /// Answers in ~1 ms, except that the first call reaching it after <c>stallAfter</c> is held for
    /// the whole stall (the first, wherever it lands: a busy machine may delay it past any window).
    /// </summary>
    private sealed class StallingTarget(TimeSpan stallAfter, TimeSpan stall) : ICallTarget
    {
        private readonly long _start = Stopwatch.GetTimestamp();
        private int _stalled;

        public async ValueTask<CallOutcome> CallAsync(int request, CancellationToken cancellationToken)
        {
            bool stalls = Stopwatch.GetElapsedTime(_start) >= stallAfter && Interlocked.Exchange(ref _stalled, 1) == 0;
            var wait = stalls ? stall : TimeSpan.FromMilliseconds(1);
            try
            {
                await Task.Delay(wait, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return CallOutcome.Failed(StatusCode.Cancelled, 10); // as a real target reports a call the run cancelled
            }

            return new CallOutcome(StatusCode.OK, 10, 10, 5);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class FailingEveryThirdTarget : ICallTarget
    {
        public async ValueTask<CallOutcome> CallAsync(int request, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return request % 3 == 2 ? CallOutcome.Failed(StatusCode.ResourceExhausted, 10) : new CallOutcome(StatusCode.OK, 10, 10, 5);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>
/// The runner's tests measure time (a stall must show as ≥ 450 ms, calls as ~1 ms): they must not
/// share the two cores with the end-to-end runs, which drive a real gate flat out.
/// </summary>
[CollectionDefinition(Name)]
public sealed class MeasuredTime
{
    public const string Name = "measured time";
}
