using Microsoft.Extensions.Options;
using SendGate.Contracts.V1;
using SendGate.Grpc;
using SendGate.Grpc.Server;
using SendGate.Server.Access;
using SendGate.Server.Hosting;

namespace SendGate.Server.Gate;

/// <summary>
/// sendgate.v1.Gate on the gRPC transport: the binding only. The work is in
/// <see cref="CheckProcessor"/> and <see cref="ExplainProcessor"/>, which know nothing of the
/// transport; replacing the transport means rewriting this class and the host's wiring.
/// </summary>
internal sealed class GateService(CheckProcessor check, ExplainProcessor explain, IOptions<LimitsOptions> limits) : IGrpcService
{
    public void Bind(GrpcServiceBinder binder)
    {
        var service = GateReflection.Descriptor.Services[0];
        // Entries past the limit are counted, not recorded: the processor then answers INVALID_ARGUMENT.
        var request = new CheckRequestMarshaller(limits.Value.MaxBatch);
        var response = new CheckResponseMarshaller();
        binder.MapUnary(GrpcMethods.FromDescriptor(service, "Check", request, response), CheckAsync);
        binder.MapDuplexStreaming(GrpcMethods.FromDescriptor(service, "CheckStream", request, response), CheckStreamAsync);
        binder.ForService(service).Unary<ExplainRequest, ExplainResponse>("Explain", (r, context) => ValueTask.FromResult(explain.Explain(r, AccessGuard.Caller(context))));
    }

    private ValueTask<CheckResponseBuffer> CheckAsync(CheckRequestView request, GrpcCallContext context)
    {
        try
        {
            return ValueTask.FromResult(check.Process(request, AccessGuard.Caller(context), "Check"));
        }
        finally
        {
            request.Release();
        }
    }

    /// <summary>One response per request, in order; a bad request ends the stream with its status.</summary>
    private async Task CheckStreamAsync(IGrpcStreamReader<CheckRequestView> requests, IGrpcStreamWriter<CheckResponseBuffer> responses, GrpcCallContext context)
    {
        var client = AccessGuard.Caller(context);
        while (await requests.MoveNextAsync(context.CancellationToken).ConfigureAwait(false))
        {
            CheckResponseBuffer response;
            try
            {
                response = check.Process(requests.Current, client, "CheckStream");
            }
            finally
            {
                requests.Current.Release();
            }

            await responses.WriteAsync(response, context.CancellationToken).ConfigureAwait(false);
        }
    }
}
