using Microsoft.Extensions.Logging;
using SendGate.Iys.Sync;
using SendGate.Iys.Sync.Api;

namespace SendGate.Cli.Commands;

/// <summary>
/// What every one-shot İYS verb opens: loggers (warnings and errors on standard error, everything with --verbose), the
/// connector's meters (nobody scrapes them, but the code records into them as in the service) and İYS's API with its
/// token cache — so that a verb run from cron reuses the worker's token instead of logging in.
/// </summary>
internal sealed class IysSession : IDisposable
{
    private readonly Meters _meters = new();
    private readonly HttpClient _http = new();

    private IysSession(IysSyncOptions options, bool verbose)
    {
        Loggers = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        Metrics = new IysSyncMetrics(_meters, TimeProvider.System);
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

    private sealed class Meters : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(meter => meter.Dispose());
    }
}
