using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace SendGate.Iys.Sync.Receive;

/// <summary>
/// Maps the receiver on its own listener: <c>POST {Iys:Receive:Path}</c>, answered only on the port of Iys:Receive:Listen
/// (by the connection's local port, not the Host header: the admin endpoints must not be reachable from where İYS posts,
/// nor the receiver from the admin port).
/// </summary>
public static class ReceiverEndpoint
{
    /// <summary>The largest body read; İYS posts changes as they happen, a few items at a time.</summary>
    public const int MaxBody = 16 * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app, ReceiveOptions options, int port)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        app.MapPost(options.Path, async (HttpContext context, ChangeReceiver receiver) =>
        {
            var request = context.Request;
            // Kestrel enforces it while the body is read, chunked bodies included.
            context.Features.GetRequiredFeature<IHttpMaxRequestBodySizeFeature>().MaxRequestBodySize = MaxBody;
            using var body = new MemoryStream();
            try
            {
                await request.Body.CopyToAsync(body, context.RequestAborted);
            }
            catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Results.Json(new { message = "the body is too large" }, statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            var answer = await receiver.ReceiveAsync(request.Headers.Authorization, body.ToArray(), context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
            if (answer.Status == StatusCodes.Status401Unauthorized)
            {
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"sendgate-iys\", charset=\"UTF-8\"";
            }

            return Results.Json(new { message = answer.Message, published = answer.Published, deadLettered = answer.DeadLettered, foreignBrand = answer.ForeignBrand, test = answer.Test },
                statusCode: answer.Status);
        }).OnPort(port);
    }

    /// <summary>Answers 404 unless the request came in on <paramref name="port"/>.</summary>
    public static TBuilder OnPort<TBuilder>(this TBuilder builder, int port)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (invocation, next) =>
            invocation.HttpContext.Connection.LocalPort == port ? await next(invocation) : Results.NotFound());
}
