using System.Net;
using SendGate.Grpc.Client;
using SendGate.Grpc.Tests.Interop;

namespace SendGate.Grpc.Tests;

/// <summary>The transport end to end over loopback, with the project's own client and with hand-made HTTP/2 requests.</summary>
[Collection(GrpcServerGroup.Name)]
public sealed class GrpcTransportTests(GrpcServerFixture server)
{
    [Fact]
    public async Task Unary_EchoesMessageAndMetadata()
    {
        using var client = Echo.Client(server);
        var headers = new[] { new KeyValuePair<string, string>("x-echo", "merhaba"), GrpcMetadata.Binary("x-echo-bin", [0x00, 0xAB, 0xFF]) };

        var response = await client.UnaryCallAsync(Echo.Unary, new EchoRequest { Text = "hello", ReplyBytes = 10 }, new GrpcCallOptions(Headers: headers));

        Assert.Equal("hello", response.Message.Text);
        Assert.Equal(10, response.Message.Payload.Length);
        Assert.Equal("merhaba", response.Message.MetadataEcho);
        Assert.Equal("00abff", response.Message.BinaryMetadataHex);
        Assert.Contains(new KeyValuePair<string, string>("x-echo-trailer", "merhaba"), response.Trailers);
    }

    [Fact]
    public async Task Unary_HandlerStatus_ReachesClientWithItsNonAsciiMessage()
    {
        using var client = Echo.Client(server);
        const string message = "Türkçe karakterler: ğüşıöç İ %41 ve satır\nsonu";

        var error = await Assert.ThrowsAsync<GrpcException>(() => client.UnaryAsync(Echo.Unary, new EchoRequest { FailCode = (int)StatusCode.InvalidArgument, FailMessage = message }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(message, error.Status.Detail);
    }

    [Fact]
    public async Task Unary_HandlerThrows_ClientGetsUnknownWithoutInternals()
    {
        using var client = Echo.Client(server);

        var error = await Assert.ThrowsAsync<GrpcException>(() => client.UnaryAsync(Echo.Unary, new EchoRequest { FailCode = -1 }));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.DoesNotContain("internal detail", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerStreaming_RepliesInOrder()
    {
        using var client = Echo.Client(server);

        using var call = await client.ServerStreamingAsync(Echo.ServerStream, new EchoRequest { Text = "s", Repeat = 5 });
        var indexes = new List<int>();
        while (await call.MoveNextAsync())
        {
            indexes.Add(call.Current.Index);
        }

        Assert.Equal([0, 1, 2, 3, 4], indexes);
        Assert.Equal(StatusCode.OK, call.Status?.Code);
    }

    [Fact]
    public async Task ClientStreaming_ReadsEveryRequest()
    {
        using var client = Echo.Client(server);

        using var call = client.DuplexStreaming(Echo.ClientStream);
        for (int i = 0; i < 10; i++)
        {
            await call.WriteAsync(new EchoRequest { Text = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        call.Complete();
        Assert.True(await call.MoveNextAsync());
        Assert.Equal(10, call.Current.Index);
        Assert.Equal("0,1,2,3,4,5,6,7,8,9", call.Current.Text);
        Assert.False(await call.MoveNextAsync());
    }

    [Fact]
    public async Task Duplex_PingPong_EachReplyArrivesBeforeTheNextRequest()
    {
        using var client = Echo.Client(server);

        using var call = client.DuplexStreaming(Echo.Bidi);
        for (int i = 0; i < 20; i++)
        {
            await call.WriteAsync(new EchoRequest { Text = "ping" + i });
            Assert.True(await call.MoveNextAsync());
            Assert.Equal("ping" + i, call.Current.Text);
            Assert.Equal(i, call.Current.Index);
        }

        call.Complete();
        Assert.False(await call.MoveNextAsync());
        Assert.Equal(StatusCode.OK, call.Status?.Code);
    }

    [Fact]
    public async Task Duplex_SendAllThenReadAll()
    {
        using var client = Echo.Client(server);
        const int count = 1000;

        using var call = client.DuplexStreaming(Echo.Bidi);
        for (int i = 0; i < count; i++)
        {
            await call.WriteAsync(new EchoRequest { Text = "m" });
        }

        call.Complete();
        int received = 0;
        while (await call.MoveNextAsync())
        {
            Assert.Equal(received++, call.Current.Index);
        }

        Assert.Equal(count, received);
    }

    [Fact]
    public async Task Deadline_ClientSide_IsDeadlineExceeded()
    {
        using var client = Echo.Client(server);

        var error = await Assert.ThrowsAsync<GrpcException>(() =>
            client.UnaryAsync(Echo.Unary, new EchoRequest { DelayMs = 10_000 }, new GrpcCallOptions(Timeout: TimeSpan.FromMilliseconds(200))));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Deadline_ServerSide_EndsTheCallWithDeadlineExceeded()
    {
        // A client that sends grpc-timeout but does not enforce it: the server must. The handler
        // would wait 30 s; DEADLINE_EXCEEDED can only come from the server's own deadline.
        var response = await RawGrpc.PostAsync(server.Address, Echo.Unary.FullName, RawGrpc.Frame(new EchoRequest { DelayMs = 30_000 }), headers: ("grpc-timeout", "100m"));

        Assert.Equal(((int)StatusCode.DeadlineExceeded).ToString(System.Globalization.CultureInfo.InvariantCulture), response.GrpcStatus);
    }

    [Theory]
    [InlineData("/sendgate.interop.v1.Echo/Nope", "Method is unimplemented.")]
    [InlineData("/nope.v1.Missing/Call", "Service is unimplemented.")]
    public async Task UnknownMethodOrService_IsUnimplemented_TrailersOnly(string path, string message)
    {
        var response = await RawGrpc.PostAsync(server.Address, path, RawGrpc.Frame(new EchoRequest()));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("12", response.GrpcStatus);
        Assert.Equal(message, response.GrpcMessage);
        Assert.True(response.IsTrailersOnly);
    }

    [Fact]
    public async Task UnknownMethod_ThroughTheClient_IsUnimplemented()
    {
        using var client = Echo.Client(server);
        var missing = new GrpcMethod<EchoRequest, EchoReply>(GrpcMethodType.Unary, GrpcServerFixture.EchoService, "Nope", Echo.Unary.RequestMarshaller, Echo.Unary.ResponseMarshaller);

        var error = await Assert.ThrowsAsync<GrpcException>(() => client.UnaryAsync(missing, new EchoRequest()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task OversizeRequest_IsResourceExhausted()
    {
        using var client = new GrpcClient(new GrpcClientOptions { Address = server.Address });

        var error = await Assert.ThrowsAsync<GrpcException>(() => client.UnaryAsync(Echo.Unary, new EchoRequest { Text = new string('x', GrpcServerFixture.MaxMessageSize + 1) }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("Received message exceeds", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizeResponse_IsResourceExhausted()
    {
        using var client = Echo.Client(server);

        var error = await Assert.ThrowsAsync<GrpcException>(() => client.UnaryAsync(Echo.Unary, new EchoRequest { ReplyBytes = GrpcServerFixture.MaxMessageSize + 1 }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("Sending message exceeds", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompressedRequest_IsUnimplemented_AndIdentityIsAdvertised()
    {
        var response = await RawGrpc.PostAsync(server.Address, Echo.Unary.FullName, RawGrpc.Frame(new EchoRequest { Text = "x" }, flag: 1), headers: ("grpc-encoding", "gzip"));

        Assert.Equal("12", response.GrpcStatus);
        Assert.Contains("gzip", response.GrpcMessage, StringComparison.Ordinal);
        Assert.Equal("identity", response.Headers["grpc-accept-encoding"]);
    }

    [Fact]
    public async Task WrongContentType_Is415()
    {
        var response = await RawGrpc.PostAsync(server.Address, Echo.Unary.FullName, RawGrpc.Frame(new EchoRequest()), contentType: "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
    }

    [Fact]
    public async Task MalformedTimeout_IsRefused()
    {
        var response = await RawGrpc.PostAsync(server.Address, Echo.Unary.FullName, RawGrpc.Frame(new EchoRequest()), headers: ("grpc-timeout", "soon"));

        Assert.Equal("13", response.GrpcStatus);
        Assert.Contains("grpc-timeout", response.GrpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncompleteMessage_IsInternal()
    {
        var response = await RawGrpc.PostAsync(server.Address, Echo.Unary.FullName, RawGrpc.Frame([1, 2, 3], declaredLength: 10));

        Assert.Equal("13", response.GrpcStatus);
        Assert.Equal("Incomplete message.", response.GrpcMessage);
    }

    [Fact]
    public async Task TwoMessagesOnAUnaryCall_AreRefused()
    {
        byte[] one = RawGrpc.Frame(new EchoRequest { Text = "a" });

        var response = await RawGrpc.PostAsync(server.Address, Echo.Unary.FullName, [.. one, .. one]);

        Assert.Equal("13", response.GrpcStatus);
        Assert.Contains("Additional data", response.GrpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UndecodableMessage_IsInternal()
    {
        var response = await RawGrpc.PostAsync(server.Address, Echo.Unary.FullName, RawGrpc.Frame([0xFF, 0xFF, 0xFF]));

        Assert.Equal("13", response.GrpcStatus);
        Assert.Equal("Failed to deserialize request message.", response.GrpcMessage);
    }

    [Fact]
    public async Task EmptyUnaryRequest_IsInternal()
    {
        var response = await RawGrpc.PostAsync(server.Address, Echo.Unary.FullName, []);

        Assert.Equal("13", response.GrpcStatus);
    }

    [Fact]
    public async Task CancelMidStream_ReachesTheServer()
    {
        using var client = Echo.Client(server);
        long before = server.Stats.Cancelled;

        var call = client.DuplexStreaming(Echo.Bidi);
        await call.WriteAsync(new EchoRequest { Text = "1" });
        Assert.True(await call.MoveNextAsync());
        await call.WriteAsync(new EchoRequest { Text = "2", DelayMs = 30_000 }); // the handler is busy with this
        await Task.Delay(200);
        call.Dispose(); // cancels

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (server.Stats.Cancelled == before && !patience.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        Assert.True(server.Stats.Cancelled > before, "the server saw the cancellation");
    }

    [Fact]
    public async Task ThreeHundredConcurrentCalls_OnOneClient_AllSucceed()
    {
        using var client = Echo.Client(server);

        var replies = await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            client.UnaryAsync(Echo.Unary, new EchoRequest { Text = "c" + i, DelayMs = 50 })));

        Assert.Equal(Enumerable.Range(0, 300).Select(i => "c" + i), replies.Select(r => r.Text));
    }

    [Fact]
    public async Task SeveralConnections_ShareTheCalls()
    {
        using var client = Echo.Client(server, connections: 3);

        var replies = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => client.UnaryAsync(Echo.Unary, new EchoRequest { Text = "k" + i })));

        Assert.All(replies.Select((r, i) => (r, i)), x => Assert.Equal("k" + x.i, x.r.Text));
    }
}
