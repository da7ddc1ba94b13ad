using System.Globalization;
using Grpc.AspNetCore.Server;
using SendGate.Server.Gate;

namespace SendGate.Server.Access;

/// <summary>
/// Authenticates each gRPC call after routing and before grpc-dotnet reads a byte of its request:
/// a refused caller costs the gate no parsing, and learns nothing from how long a request took.
/// The refusal is a trailers-only gRPC response (HTTP 200, <c>grpc-status</c> in the headers),
/// as grpc-dotnet itself answers an error before any message.
/// </summary>
internal sealed class AccessMiddleware(RequestDelegate next, AccessGuard guard)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not { } grpc ||
            guard.Authenticate(grpc.Method.FullName, context) is not { } rejection)
        {
            return next(context);
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)GateStatus.Code(rejection.Kind)).ToString(CultureInfo.InvariantCulture);
        // grpc-message is percent-encoded UTF-8 (the gRPC HTTP/2 spec; clients decode any %XX).
        response.Headers["grpc-message"] = Uri.EscapeDataString(rejection.Sentence);
        return Task.CompletedTask;
    }
}
