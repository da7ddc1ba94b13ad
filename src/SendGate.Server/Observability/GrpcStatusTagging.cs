using Microsoft.AspNetCore.Http.Features;

namespace SendGate.Server.Observability;

/// <summary>
/// Tags ASP.NET Core's request-duration metric (<c>http_server_request_duration_seconds</c>) with
/// the call's gRPC status (<c>rpc_grpc_status_code</c>, OpenTelemetry's RPC convention): every
/// gRPC answer is HTTP 200, so without it a refused or failed call looks like a success.
/// </summary>
internal sealed class GrpcStatusTagging(RequestDelegate next)
{
    private const string TagName = "rpc.grpc.status_code";

    /// <summary>Boxed once: tagging must not allocate per call.</summary>
    private static readonly object[] Codes = Enumerable.Range(0, 17).Select(code => (object)code).ToArray();

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Features.Get<IHttpMetricsTagsFeature>() is not { } metrics)
        {
            return;
        }

        // Trailers-only answers (refusals before the call) carry the status in the headers.
        string? status = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers["grpc-status"] is { Count: > 0 } trailer
            ? trailer.ToString()
            : context.Response.Headers["grpc-status"].ToString();
        if (int.TryParse(status, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int code) && code < Codes.Length)
        {
            metrics.Tags.Add(new KeyValuePair<string, object?>(TagName, Codes[code]));
        }
    }
}
