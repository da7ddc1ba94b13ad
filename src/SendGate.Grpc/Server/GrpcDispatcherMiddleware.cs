using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGate.Grpc.Protocol;

namespace SendGate.Grpc.Server;

/// <summary>
/// The gRPC entry point on Kestrel: checks protocol, content type and method, applies the
/// deadline, and hands the call to its handler. Requests that are not gRPC pass through to the
/// rest of the pipeline, except POSTs to a hosted service with another content type (415).
/// </summary>
internal sealed class GrpcDispatcherMiddleware(RequestDelegate next, GrpcServiceRegistry registry, IOptions<GrpcServerOptions> options, ILogger<GrpcDispatcherMiddleware> logger,
    IGrpcCallAuthenticator? authenticator = null)
{
    private readonly GrpcServerOptions _options = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        string path = request.Path.Value ?? string.Empty;
        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            if (HttpMethods.IsPost(request.Method) && registry.IsServicePath(path))
            {
                // The spec asks for 415 so that plain HTTP clients do not mistake an error for success.
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                GrpcCallContext.WriteTrailersOnly(context.Response, new GrpcStatus(StatusCode.Internal, $"Content-Type '{request.ContentType}' is not supported: gRPC needs application/grpc."));
                return Task.CompletedTask;
            }

            return next(context);
        }

        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            context.Response.Headers.Upgrade = "h2";
            GrpcCallContext.WriteTrailersOnly(context.Response, new GrpcStatus(StatusCode.Internal, $"Request protocol '{request.Protocol}' is not supported: gRPC needs HTTP/2."));
            return Task.CompletedTask;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            GrpcCallContext.WriteTrailersOnly(context.Response, new GrpcStatus(StatusCode.Internal, "gRPC calls are POST requests."));
            return Task.CompletedTask;
        }

        if (!registry.TryGetMethod(path, out var handler))
        {
            GrpcLog.UnknownMethod(logger, path);
            GrpcCallContext.WriteTrailersOnly(context.Response, new GrpcStatus(
                StatusCode.Unimplemented, registry.IsServicePath(path) ? "Method is unimplemented." : "Service is unimplemented."));
            return Task.CompletedTask;
        }

        // Message sizes are enforced per message; the body as a whole is unbounded for streams.
        var bodySize = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodySize is { IsReadOnly: false })
        {
            bodySize.MaxRequestBodySize = null;
        }

        if (handler.IsClientStreaming && context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            // A streaming client may be quiet for long; Kestrel's minimum data rate would reset the connection.
            rate.MinDataRate = null;
        }

        TimeSpan? timeout = null;
        var timeoutHeader = request.Headers[GrpcProtocol.TimeoutHeader];
        if (timeoutHeader.Count > 0)
        {
            if (!GrpcProtocol.TryParseTimeout(timeoutHeader[0], out var parsed))
            {
                GrpcCallContext.WriteTrailersOnly(context.Response, new GrpcStatus(StatusCode.Internal, $"Malformed grpc-timeout '{timeoutHeader[0]}'."));
                return Task.CompletedTask;
            }

            timeout = parsed;
        }

        var call = new GrpcCallContext(context, path, _options, timeout);
        if (authenticator?.Authenticate(call) is { } refused)
        {
            call.Finish(refused);
            return Task.CompletedTask;
        }

        return handler.HandleAsync(call, logger);
    }
}
