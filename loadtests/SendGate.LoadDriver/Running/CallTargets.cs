using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using SendGate.Client;
using SendGate.Contracts.V1;
using SendGate.LoadDriver.Measuring;
using SendGate.LoadDriver.Scenarios;

namespace SendGate.LoadDriver.Running;

/// <summary>Makes one call of the scenario: request <c>n</c> of the pool, answered or failed with a status.</summary>
internal interface ICallTarget : IAsyncDisposable
{
    ValueTask<CallOutcome> CallAsync(int request, CancellationToken cancellationToken);
}

/// <summary>
/// The gate's channels and methods as the driver calls them: requests encoded before the run are
/// sent as the CheckRequest bytes they are (the driver measures the gate, not its own encoder),
/// over one channel per connection asked for, taken in turn.
/// </summary>
internal sealed class GateCalls : IDisposable
{
    private static readonly Marshaller<byte[]> Encoded = Marshallers.Create(static bytes => bytes, static bytes => bytes);
    private static readonly Marshaller<CheckResponse> Response = new(
        static (_, _) => throw new NotSupportedException("The driver does not send CheckResponses."),
        static context => CheckResponse.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));
    private static readonly string Service = Gate.Descriptor.FullName;

    private readonly GrpcChannel[] _channels;
    private readonly CallInvoker[] _invokers;
    private uint _next;

    /// <summary>One channel per connection to <paramref name="address"/>; <paramref name="apiKey"/> goes with every call (gates with access control).</summary>
    public GateCalls(Uri address, int connections, string? apiKey)
    {
        // No retries: a refusal is a measurement, and one channel per connection keeps the load spread as asked.
        _channels = [.. Enumerable.Range(0, Math.Max(1, connections)).Select(_ =>
            GateChannel.Create(new GateClientOptions { Address = address, ApiKey = apiKey, MaxAttempts = 1, MultipleConnections = false }))];
        _invokers = [.. _channels.Select(c => c.CreateCallInvoker())];
    }

    public static Method<byte[], CheckResponse> Check { get; } = new(MethodType.Unary, Service, "Check", Encoded, Response);

    public static Method<byte[], CheckResponse> CheckStream { get; } = new(MethodType.DuplexStreaming, Service, "CheckStream", Encoded, Response);

    public CallInvoker Next() => _invokers[(int)(Interlocked.Increment(ref _next) % (uint)_invokers.Length)];

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}

internal static class CallTargets
{
    /// <summary>The call target of the pool's scenario.</summary>
    public static ICallTarget Create(GateCalls calls, RequestPool pool, TimeSpan deadline) =>
        pool.Scenario.Streaming ? new StreamTarget(calls, pool, deadline) : new UnaryTarget(calls, pool, deadline);

    public static CallOutcome Answered(CheckResponse response, int recipients) => new(StatusCode.OK, recipients, response.Reasons.Length, response.Allowed);

    /// <summary>Failures as the gate's callers would see them; anything that is not a gRPC status counts as UNAVAILABLE.</summary>
    public static StatusCode StatusOf(Exception exception) => exception is RpcException grpc ? grpc.StatusCode : StatusCode.Unavailable;
}

/// <summary>One unary Check per call.</summary>
internal sealed class UnaryTarget(GateCalls calls, RequestPool pool, TimeSpan deadline) : ICallTarget
{
    public async ValueTask<CallOutcome> CallAsync(int request, CancellationToken cancellationToken)
    {
        try
        {
            var options = new CallOptions(deadline: DateTime.UtcNow + deadline, cancellationToken: cancellationToken);
            var response = await calls.Next().AsyncUnaryCall(GateCalls.Check, null, options, pool.Requests[request % pool.Requests.Count]).ConfigureAwait(false);
            return CallTargets.Answered(response, pool.RecipientsPerRequest);
        }
        catch (Exception exception) when (exception is RpcException or HttpRequestException or IOException)
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
internal sealed class StreamTarget(GateCalls calls, RequestPool pool, TimeSpan deadline) : ICallTarget
{
    private readonly ConcurrentBag<AsyncDuplexStreamingCall<byte[], CheckResponse>> _idle = [];
    private readonly ConcurrentBag<AsyncDuplexStreamingCall<byte[], CheckResponse>> _all = [];

    public async ValueTask<CallOutcome> CallAsync(int request, CancellationToken cancellationToken)
    {
        if (!_idle.TryTake(out var stream))
        {
            stream = calls.Next().AsyncDuplexStreamingCall(GateCalls.CheckStream, null, new CallOptions());
            _all.Add(stream);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        try
        {
            await stream.RequestStream.WriteAsync(pool.Requests[request % pool.Requests.Count], timeout.Token).ConfigureAwait(false);
            if (!await stream.ResponseStream.MoveNext(timeout.Token).ConfigureAwait(false))
            {
                return CallOutcome.Failed(StatusCode.Internal, pool.RecipientsPerRequest);
            }

            var outcome = CallTargets.Answered(stream.ResponseStream.Current, pool.RecipientsPerRequest);
            _idle.Add(stream);
            return outcome;
        }
        catch (Exception exception) when (exception is RpcException or HttpRequestException or IOException or OperationCanceledException or InvalidOperationException)
        {
            stream.Dispose();
            return CallOutcome.Failed(exception is OperationCanceledException ? StatusCode.DeadlineExceeded : CallTargets.StatusOf(exception), pool.RecipientsPerRequest);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var stream in _all)
        {
            try
            {
                await stream.RequestStream.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RpcException or InvalidOperationException)
            {
                // A stream that failed during the run has nothing left to complete.
            }

            stream.Dispose();
        }
    }
}
