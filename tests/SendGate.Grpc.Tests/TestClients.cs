using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using SendGate.Grpc.Client;
using SendGate.Grpc.Tests.Interop;

namespace SendGate.Grpc.Tests;

internal static class Echo
{
    private static readonly ServiceDescriptor Service = EchoReflection.Descriptor.Services[0];

    public static readonly GrpcMethod<EchoRequest, EchoReply> Unary = GrpcMethods.FromDescriptor<EchoRequest, EchoReply>(Service, "Unary");
    public static readonly GrpcMethod<EchoRequest, EchoReply> ServerStream = GrpcMethods.FromDescriptor<EchoRequest, EchoReply>(Service, "ServerStream");
    public static readonly GrpcMethod<EchoRequest, EchoReply> ClientStream = GrpcMethods.FromDescriptor<EchoRequest, EchoReply>(Service, "ClientStream");
    public static readonly GrpcMethod<EchoRequest, EchoReply> Bidi = GrpcMethods.FromDescriptor<EchoRequest, EchoReply>(Service, "Bidi");
    public static readonly GrpcMethod<StatsRequest, StatsReply> Stats = GrpcMethods.FromDescriptor<StatsRequest, StatsReply>(Service, "Stats");

    public static GrpcClient Client(GrpcServerFixture server, int connections = 1) =>
        new(new GrpcClientOptions { Address = server.Address, Connections = connections });
}

/// <summary>Hand-made HTTP/2 requests, for what a well-behaved client never sends.</summary>
internal static class RawGrpc
{
    public static byte[] Frame(IMessage message, byte flag = 0) => Frame(message.ToByteArray(), flag);

    public static byte[] Frame(byte[] payload, byte flag = 0, int? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)(declaredLength ?? payload.Length));
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static async Task<RawResponse> PostAsync(Uri server, string path, byte[] body, string contentType = "application/grpc", params (string Name, string Value)[] headers)
    {
        using var handler = new SocketsHttpHandler();
        using var client = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        byte[] responseBody = await response.Content.ReadAsByteArrayAsync();
        return new RawResponse(
            response.StatusCode,
            response.Headers.NonValidated.ToDictionary(h => h.Key, h => string.Join(",", h.Value)),
            response.TrailingHeaders.NonValidated.ToDictionary(h => h.Key, h => string.Join(",", h.Value)),
            responseBody);
    }
}

internal sealed record RawResponse(HttpStatusCode Status, Dictionary<string, string> Headers, Dictionary<string, string> Trailers, byte[] Body)
{
    /// <summary>The gRPC status, wherever the server put it (trailers, or headers for trailers-only).</summary>
    public string? GrpcStatus => Trailers.GetValueOrDefault("grpc-status") ?? Headers.GetValueOrDefault("grpc-status");

    public string? GrpcMessage => Trailers.GetValueOrDefault("grpc-message") ?? Headers.GetValueOrDefault("grpc-message");

    public bool IsTrailersOnly => Headers.ContainsKey("grpc-status") && Trailers.Count == 0 && Body.Length == 0;
}
