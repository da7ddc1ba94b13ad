using Grpc.Health.V1;
using Grpc.HealthCheck;
using SendGate.Feed.Status;
using SendGate.Server.Observability;

namespace SendGate.Server.Hosting;

/// <summary>
/// Readiness: NOT_SERVING (the server, "", and sendgate.v1.Gate) until the feed has caught up with
/// its source; SERVING after; NOT_SERVING again while stopping. A feed that cannot start stops the
/// gate with a non-zero exit code.
/// </summary>
internal sealed class ReadinessService(FeedStatus status, HealthServiceImpl health, IHostApplicationLifetime lifetime, ILogger<ReadinessService> logger) : BackgroundService
{
    private static readonly string[] Services = [string.Empty, Contracts.V1.Gate.Descriptor.FullName];
    private volatile bool _ready;

    /// <summary>True while the gate answers from loaded data (what grpc.health.v1 says SERVING for).</summary>
    public bool IsReady => _ready;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Set(ready: false);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await status.CaughtUp.WaitAsync(stoppingToken).ConfigureAwait(false);
            Set(ready: true);
            ServerLog.Ready(logger);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception exception)
        {
            ServerLog.FeedFailed(logger, exception.Message);
            Environment.ExitCode = 2;
            lifetime.StopApplication();
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        // Draining: load balancers stop sending new work while in-flight calls finish.
        Set(ready: false);
        return base.StopAsync(cancellationToken);
    }

    private void Set(bool ready)
    {
        _ready = ready;
        var serving = ready ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing;
        foreach (string service in Services)
        {
            health.SetStatus(service, serving);
        }
    }
}
