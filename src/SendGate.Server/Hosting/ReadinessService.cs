using SendGate.Feed.Status;
using SendGate.Grpc.Health;

namespace SendGate.Server.Hosting;

/// <summary>
/// Readiness: NOT_SERVING (server and sendgate.v1.Gate) until the feed has caught up with its
/// source; SERVING after. A feed that cannot start stops the gate with a non-zero exit code.
/// </summary>
internal sealed class ReadinessService(FeedStatus status, HealthStatusRegistry health, IHostApplicationLifetime lifetime, ILogger<ReadinessService> logger) : BackgroundService
{
    public const string GateService = "sendgate.v1.Gate";

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        health.SetStatus(HealthStatusRegistry.Server, HealthStatus.NotServing);
        health.SetStatus(GateService, HealthStatus.NotServing);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await status.CaughtUp.WaitAsync(stoppingToken).ConfigureAwait(false);
            health.SetStatus(HealthStatusRegistry.Server, HealthStatus.Serving);
            health.SetStatus(GateService, HealthStatus.Serving);
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
        health.SetStatus(HealthStatusRegistry.Server, HealthStatus.NotServing);
        health.SetStatus(GateService, HealthStatus.NotServing);
        return base.StopAsync(cancellationToken);
    }
}
