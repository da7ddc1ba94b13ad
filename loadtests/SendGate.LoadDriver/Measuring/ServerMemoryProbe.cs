using System.Diagnostics;

namespace SendGate.LoadDriver.Measuring;

/// <summary>
/// Samples the gate's resident memory and managed heap once a second from its admin port's
/// /metrics (sendgate_process_working_set_bytes, sendgate_process_gc_heap_bytes), to show
/// whether memory stays flat under sustained load. Scrape failures are counted, not fatal.
/// </summary>
internal sealed class ServerMemoryProbe : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Uri _metrics;
    private readonly List<Sample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly long _start = Stopwatch.GetTimestamp();

    public ServerMemoryProbe(Uri admin)
    {
        _metrics = new Uri(admin, "/metrics");
        _loop = Task.Run(LoopAsync);
    }

    public int Failures { get; private set; }

    public IReadOnlyList<Sample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _http.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            try
            {
                string text = await _http.GetStringAsync(_metrics, _stop.Token).ConfigureAwait(false);
                if (PrometheusText.Sum(text, "sendgate_process_working_set_bytes") is { } workingSet)
                {
                    lock (_samples)
                    {
                        _samples.Add(new Sample(Stopwatch.GetElapsedTime(_start), (long)workingSet, (long)(PrometheusText.Sum(text, "sendgate_process_gc_heap_bytes") ?? 0)));
                    }
                }
                else
                {
                    Failures++;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !_stop.IsCancellationRequested)
            {
                Failures++;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        while (await WaitAsync(timer).ConfigureAwait(false));
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>One scrape: time since the probe started, resident bytes, managed heap bytes.</summary>
    internal readonly record struct Sample(TimeSpan At, long WorkingSet, long GcHeap);
}
