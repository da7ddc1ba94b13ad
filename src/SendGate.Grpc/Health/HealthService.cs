using SendGate.Grpc.Health.V1;
using SendGate.Grpc.Server;

namespace SendGate.Grpc.Health;

/// <summary>grpc.health.v1.Health over <see cref="HealthStatusRegistry"/>.</summary>
internal sealed class HealthService(HealthStatusRegistry registry) : IGrpcService
{
    public void Bind(GrpcServiceBinder binder) =>
        binder.ForService(HealthReflection.Descriptor.Services[0])
            .Unary<HealthCheckRequest, HealthCheckResponse>("Check", CheckAsync)
            .ServerStreaming<HealthCheckRequest, HealthCheckResponse>("Watch", WatchAsync);

    private ValueTask<HealthCheckResponse> CheckAsync(HealthCheckRequest request, GrpcCallContext context)
    {
        var status = registry.GetStatus(request.Service)
            ?? throw new GrpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");
        return ValueTask.FromResult(new HealthCheckResponse { Status = ToWire(status) });
    }

    private async Task WatchAsync(HealthCheckRequest request, IGrpcStreamWriter<HealthCheckResponse> responses, GrpcCallContext context)
    {
        await foreach (var status in registry.WatchAsync(request.Service, context.CancellationToken).ConfigureAwait(false))
        {
            var wire = status is { } known ? ToWire(known) : HealthCheckResponse.Types.ServingStatus.ServiceUnknown;
            await responses.WriteAsync(new HealthCheckResponse { Status = wire }, context.CancellationToken).ConfigureAwait(false);
        }
    }

    private static HealthCheckResponse.Types.ServingStatus ToWire(HealthStatus status) => status switch
    {
        HealthStatus.Serving => HealthCheckResponse.Types.ServingStatus.Serving,
        HealthStatus.NotServing => HealthCheckResponse.Types.ServingStatus.NotServing,
        _ => HealthCheckResponse.Types.ServingStatus.Unknown,
    };
}
