using System.Globalization;
using System.Text;
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
        response.Headers["grpc-message"] = PercentEncode(rejection.Sentence);
        return Task.CompletedTask;
    }

    /// <summary>grpc-message is percent-encoded UTF-8 outside printable ASCII (the gRPC HTTP/2 spec); Kestrel refuses raw non-ASCII headers.</summary>
    private static string PercentEncode(string message)
    {
        var encoded = new StringBuilder(message.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }
}
