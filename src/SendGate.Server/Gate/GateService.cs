using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.Extensions.Options;
using SendGate.Access;
using SendGate.Contracts.V1;
using SendGate.Server.Access;
using SendGate.Server.Hosting;

namespace SendGate.Server.Gate;

/// <summary>
/// sendgate.v1.Gate on grpc-dotnet: the binding only. The work is in <see cref="CheckProcessor"/>
/// and <see cref="ExplainProcessor"/>, which know nothing of gRPC; this class maps their
/// rejections to statuses (<see cref="GateStatus"/>).
/// </summary>
internal sealed class GateService(CheckProcessor check, ExplainProcessor explain, OptOutProcessor optOuts, AccessGuard access)
{
    public Task<CheckResponseBuffer> Check(CheckRequestView request, ServerCallContext context)
    {
        try
        {
            return Task.FromResult(Answer(check.Process(request, Caller(context), "Check")));
        }
        finally
        {
            request.Release();
        }
    }

    /// <summary>One response per request, in order; a rejected request ends the stream with its status.</summary>
    public async Task CheckStream(IAsyncStreamReader<CheckRequestView> requests, IServerStreamWriter<CheckResponseBuffer> responses, ServerCallContext context)
    {
        var client = Caller(context);
        while (await requests.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            Outcome<CheckResponseBuffer> outcome;
            try
            {
                outcome = check.Process(requests.Current, client, "CheckStream");
            }
            finally
            {
                requests.Current.Release();
            }

            await responses.WriteAsync(Answer(outcome), context.CancellationToken).ConfigureAwait(false);
        }
    }

    public Task<ExplainResponse> Explain(ExplainRequest request, ServerCallContext context) =>
        Task.FromResult(Answer(explain.Explain(request, Caller(context))));

    public async Task<RecordOptOutResponse> RecordOptOut(RecordOptOutRequest request, ServerCallContext context) =>
        Answer(await optOuts.RecordAsync(request, Caller(context), context.CancellationToken).ConfigureAwait(false));

    private static T Answer<T>(Outcome<T> outcome)
        where T : class =>
        outcome.Answer ?? throw GateStatus.ToRpcException(outcome.Rejection!);

    /// <summary>The caller the access middleware named; a call that somehow has none is refused, never served as anyone.</summary>
    private GateClient Caller(ServerCallContext context) =>
        access.Caller(context.GetHttpContext()) ?? throw GateStatus.ToRpcException(Rejections.Unauthenticated);
}

/// <summary>Binds <see cref="GateService"/>'s methods with the gate's own marshallers (no generated server base).</summary>
internal sealed class GateServiceMethods(IOptions<LimitsOptions> limits) : IServiceMethodProvider<GateService>
{
    private static readonly string ServiceName = Contracts.V1.Gate.Descriptor.FullName;

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<GateService> context)
    {
        var request = GateMarshallers.CheckRequest(limits.Value.MaxBatch);
        var response = GateMarshallers.CheckResponse;
        context.AddUnaryMethod(new Method<CheckRequestView, CheckResponseBuffer>(MethodType.Unary, ServiceName, "Check", request, response), [],
            static (service, r, call) => service.Check(r, call));
        context.AddDuplexStreamingMethod(new Method<CheckRequestView, CheckResponseBuffer>(MethodType.DuplexStreaming, ServiceName, "CheckStream", request, response), [],
            static (service, requests, responses, call) => service.CheckStream(requests, responses, call));
        context.AddUnaryMethod(
            new Method<ExplainRequest, ExplainResponse>(MethodType.Unary, ServiceName, "Explain", GateMarshallers.Protobuf(ExplainRequest.Parser), GateMarshallers.Protobuf(ExplainResponse.Parser)), [],
            static (service, r, call) => service.Explain(r, call));
        context.AddUnaryMethod(
            new Method<RecordOptOutRequest, RecordOptOutResponse>(MethodType.Unary, ServiceName, "RecordOptOut", GateMarshallers.Protobuf(RecordOptOutRequest.Parser), GateMarshallers.Protobuf(RecordOptOutResponse.Parser)), [],
            static (service, r, call) => service.RecordOptOut(r, call));
    }
}
