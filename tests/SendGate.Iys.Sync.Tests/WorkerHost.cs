using Microsoft.Extensions.Configuration;
using SendGate.Tests.Support;

namespace SendGate.Iys.Sync.Tests;

/// <summary>
/// The long-lived connector (<c>sendgate iys sync</c> without --once: PULL, the push of refusals and the receiver of
/// İYS's push) run in-process from a rig's configuration file until disposed; started once its admin port answers.
/// </summary>
internal sealed class WorkerHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _run;
    private readonly StringWriter _error = new();

    private WorkerHost(IConfiguration configuration, Uri admin)
    {
        Admin = admin;
        _run = IysSyncHost.RunAsync(configuration, null, _error, _stop.Token);
    }

    public Uri Admin { get; }

    public HttpClient Http { get; } = new();

    public static async Task<WorkerHost> StartAsync(string configFile, Dictionary<string, string?>? extra = null)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(configFile).AddInMemoryCollection(extra ?? []).Build();
        var worker = new WorkerHost(configuration, new Uri(configuration["Iys:AdminUrl"]!));
        bool up = await Eventually.TrueAsync(async () =>
        {
            if (worker._run.IsCompleted)
            {
                return true;
            }

            try
            {
                return (await worker.Http.GetAsync(new Uri(worker.Admin, "/healthz"))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        });
        Assert.True(up && !worker._run.IsCompleted, "the worker did not start: " + worker._error);
        return worker;
    }

    /// <summary>The worker's /metrics text.</summary>
    public Task<string> MetricsAsync() => Http.GetStringAsync(new Uri(Admin, "/metrics"));

    /// <summary>Whether the worker is still running (a loop that died would have stopped it).</summary>
    public bool Running => !_run.IsCompleted;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
            // stopped
        }

        Http.Dispose();
        _stop.Dispose();
    }
}
