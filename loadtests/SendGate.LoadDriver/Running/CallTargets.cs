using System.Buffers;
using System.Collections.Concurrent;
using SendGate.Client;
using SendGate.Contracts.V1;
using SendGate.Grpc;
using SendGate.Grpc.Client;
using SendGate.LoadDriver.Measuring;
using SendGate.LoadDriver.Scenarios;

namespace SendGate.LoadDriver.Running;

/// <summary>Makes one call of the scenario: request <c>n</c> of the pool, answered or failed with a status.</summary>
internal interface ICallTarget : IAsyncDisposable
{
    ValueTask<CallOutcome> CallAsync(int request, CancellationToken cancellationToken);
}

/// <summary>Sends bytes encoded before the run as the CheckRequest they are.</summary>
internal sealed class EncodedRequestMarshaller : GrpcMarshaller<byte[]>
{
    public static EncodedRequestMarshaller Instance { get; } = new();

    public override string? MessageTypeName => CheckRequest.Descriptor.FullName;

    public override byte[] Parse(in ReadOnlySequence<byte> payload) => payload.ToArray();

    public override int GetSize(byte[] message) => message.Length;

    public override void Write(byte[] message, IBufferWriter<byte> writer) => writer.Write(message);
}

internal static class CallTargets
{
    public static GrpcMethod<byte[], CheckResponse> Check { get; } = GateMethods.Method("Check", EncodedRequestMarshaller.Instance, ProtobufMarshaller<CheckResponse>.Instance);

    public static GrpcMethod<byte[], CheckResponse> CheckStream { get; } = GateMethods.Method("CheckStream", EncodedRequestMarshaller.Instance, ProtobufMarshaller<CheckResponse>.Instance);

    /// <summary>The call target of the pool's scenario; <paramref name="apiKey"/> (gates with access control) goes with every call.</summary>
    public static ICallTarget Create(GrpcClient client, RequestPool pool, TimeSpan deadline, string? apiKey = null)
    {
        IReadOnlyList<KeyValuePair<string, string>>? headers = string.IsNullOrEmpty(apiKey) ? null : [new("authorization", "Bearer " + apiKey)];
        return pool.Scenario.Streaming ? new StreamTarget(client, pool, deadline, headers) : new UnaryTarget(client, pool, deadline, headers);
    }

    public static CallOutcome Answered(CheckResponse response, int recipients) => new(StatusCode.OK, recipients, response.Reasons.Length, response.Allowed);

    /// <summary>Failures as the gate's callers would see them; anything that is not a gRPC status counts as UNAVAILABLE.</summary>
    public static StatusCode StatusOf(Exception exception) => exception is GrpcException grpc ? grpc.StatusCode : StatusCode.Unavailable;
}

/// <summary>One unary Check per call.</summary>
internal sealed class UnaryTarget(GrpcClient client, RequestPool pool, TimeSpan deadline, IReadOnlyList<KeyValuePair<string, string>>? headers) : ICallTarget
{
    public async ValueTask<CallOutcome> CallAsync(int request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.UnaryAsync(CallTargets.Check, pool.Requests[request % pool.Requests.Count], new GrpcCallOptions(deadline, headers, cancellationToken)).ConfigureAwait(false);
            return CallTargets.Answered(response, pool.RecipientsPerRequest);
        }
        catch (Exception exception) when (exception is GrpcException or HttpRequestException or IOException)
        {
            return CallOutcome.Failed(CallTargets.StatusOf(exception), pool.RecipientsPerRequest);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>
/// CheckStream, the way an MTA filters a list: long-lived streams, one request and its response
/// at a time on each. A call takes an idle stream (or opens one), so concurrent calls use
/// separate streams; a stream that fails is dropped and the next call opens a new one.
/// </summary>
internal sealed class StreamTarget(GrpcClient client, RequestPool pool, TimeSpan deadline, IReadOnlyList<KeyValuePair<string, string>>? headers) : ICallTarget
{
    private readonly ConcurrentBag<DuplexStreamingCall<byte[], CheckResponse>> _idle = [];
    private readonly ConcurrentBag<DuplexStreamingCall<byte[], CheckResponse>> _all = [];

    public async ValueTask<CallOutcome> CallAsync(int request, CancellationToken cancellationToken)
    {
        if (!_idle.TryTake(out var stream))
        {
            stream = client.DuplexStreaming(CallTargets.CheckStream, new GrpcCallOptions(null, headers, CancellationToken.None));
            _all.Add(stream);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        try
        {
            await stream.WriteAsync(pool.Requests[request % pool.Requests.Count], timeout.Token).ConfigureAwait(false);
            if (!await stream.MoveNextAsync(timeout.Token).ConfigureAwait(false))
            {
                return CallOutcome.Failed(StatusCode.Internal, pool.RecipientsPerRequest);
            }

            var outcome = CallTargets.Answered(stream.Current, pool.RecipientsPerRequest);
            _idle.Add(stream);
            return outcome;
        }
        catch (Exception exception) when (exception is GrpcException or HttpRequestException or IOException or OperationCanceledException)
        {
            stream.Dispose();
            return CallOutcome.Failed(exception is OperationCanceledException ? StatusCode.DeadlineExceeded : CallTargets.StatusOf(exception), pool.RecipientsPerRequest);
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var stream in _all)
        {
            stream.Complete();
            stream.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
