using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SendGate.Iys.Sync;
using SendGate.Iys.Sync.Api;

namespace SendGate.Cli.Commands;

/// <summary>
/// What every one-shot İYS verb opens: loggers (warnings and errors on standard error, everything with --verbose), the
/// connector's meters (the runtime's meter factory) and İYS's API with its
/// token cache — so that a verb run from cron reuses the worker's token instead of logging in.
/// </summary>
internal sealed class IysSession : IDisposable
{
    // The connector records into meters as it does in the service; nobody scrapes a one-shot run's.
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly HttpClient _http = new();

    private IysSession(IysSyncOptions options, bool verbose)
    {
        Loggers = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        Metrics = new IysSyncMetrics(_meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), TimeProvider.System);
        Api = new IysApi(_http, options, TimeProvider.System, Loggers.CreateLogger("SendGate.Iys.Api"), Metrics);
    }

    public ILoggerFactory Loggers { get; }

    public IysSyncMetrics Metrics { get; }

    public IysApi Api { get; }

    public static IysSession Open(IysSyncOptions options, bool verbose) => new(options, verbose);

    public ILogger Logger(string name) => Loggers.CreateLogger(name);

    public void Dispose()
    {
        Api.Dispose();
        _http.Dispose();
        _meters.Dispose();
        Loggers.Dispose();
    }
}
