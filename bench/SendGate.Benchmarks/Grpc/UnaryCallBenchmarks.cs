using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SendGate.Grpc.Health;
using SendGate.Grpc.Health.V1;
using SendGate.Grpc.Server;

namespace SendGate.Benchmarks.Grpc;

/// <summary>
/// What one unary call costs in the transport itself, in process (no sockets, no Kestrel):
/// request bytes in through the dispatcher to response bytes and trailers out, using the
/// built-in grpc.health.v1.Health/Check. Baseline: parsing the request and serializing the
/// response with protobuf alone — the allocations the messages themselves cost.
/// </summary>
public class UnaryCallBenchmarks
{
    private static readonly RequestDelegate NotFound = _ => Task.CompletedTask;
    private readonly HealthCheckResponse _response = new() { Status = HealthCheckResponse.Types.ServingStatus.Serving };
    private GrpcDispatcherMiddleware _dispatcher = null!;
    private InProcessHttpContext _call = null!;
    private byte[] _requestBody = [];
    private readonly byte[] _responseBuffer = new byte[64];

    [GlobalSetup]
    public void Setup()
    {
        var registry = GrpcServiceRegistry.Build([new HealthService(new HealthStatusRegistry())], enableReflection: false);
        _dispatcher = new GrpcDispatcherMiddleware(NotFound, registry, Options.Create(new GrpcServerOptions()), NullLogger<GrpcDispatcherMiddleware>.Instance);
        _requestBody = InProcessHttpContext.Frame(new HealthCheckRequest { Service = string.Empty });
        _call = new InProcessHttpContext("/grpc.health.v1.Health/Check", _requestBody);

        // Prove the harness answers like the network does before measuring it.
        _dispatcher.InvokeAsync(_call.Reset()).GetAwaiter().GetResult();
        if (_call.Trailers["grpc-status"] != "0" || _call.ResponseBytes == 0)
        {
            throw new InvalidOperationException($"Health/Check did not succeed in process (status '{_call.Trailers["grpc-status"]}').");
        }
    }

    [Benchmark(Baseline = true)]
    public int MessagesOnly()
    {
        var request = HealthCheckRequest.Parser.ParseFrom(_requestBody.AsSpan(5));
        _response.WriteTo(_responseBuffer.AsSpan(0, _response.CalculateSize()));
        return request.Service.Length;
    }

    [Benchmark]
    public Task UnaryCallThroughTransport() => _dispatcher.InvokeAsync(_call.Reset());
}
