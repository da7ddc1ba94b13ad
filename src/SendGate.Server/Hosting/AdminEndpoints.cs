using SendGate.Feed.Status;
using SendGate.Index;

namespace SendGate.Server.Hosting;

/// <summary>
/// The admin port (HTTP/1.1): <c>/metrics</c> (Prometheus text), <c>/healthz</c> (the process
/// is up) and <c>/readyz</c> (the data is loaded: 200 SERVING, 503 otherwise) for probes that do
/// not speak gRPC; <c>/admin/digest</c> (an audit of the consent state: its order-independent
/// digest, counts and any disagreement between the records and the hot index). Only answered
/// on the admin port.
/// </summary>
internal static class AdminEndpoints
{
    public static void MapAdmin(this WebApplication app, int adminPort)
    {
        if (adminPort <= 0)
        {
            return;
        }

        string host = "*:" + adminPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        app.MapPrometheusScrapingEndpoint("/metrics").RequireHost(host);
        app.MapGet("/healthz", () => Results.Text("alive\n")).RequireHost(host);
        app.MapGet("/readyz", (ReadinessService readiness, FeedStatus feed) =>
        {
            var progress = feed.Current;
            string body = $"status: {(readiness.IsReady ? "Serving" : "NotServing")}\nfresh_as_of: {progress.FreshAsOf:O}\npositions: {string.Join(", ", progress.Positions.Select(p => $"{p.Topic}/{p.Partition}@{p.Offset}"))}\n";
            return readiness.IsReady
                ? Results.Text(body)
                : Results.Text(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        }).RequireHost(host);
        app.MapGet("/admin/digest", (ConsentStore store, FeedStatus feed, CancellationToken cancellationToken) =>
        {
            if (!feed.CaughtUp.IsCompletedSuccessfully)
            {
                // Recovery fills the records before it rebuilds the hot index from them, and a catch-up applies in
                // batches: an audit now would report a disagreement that is only a state still being built.
                return Results.Problem("The gate has not caught up with its feed yet (recovering or catching up): its state is still being built. Audit once /readyz answers 200.",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            var positions = feed.Current.Positions.Select(p => $"{p.Topic}/{p.Partition}@{p.Offset}").ToArray();
            return StateAudit.Take(store, cancellationToken) is { } audit
                ? Results.Json(new { audit.Digest, audit.Tuples, audit.Closures, audit.IndexTuples, audit.IndexClosures, audit.Disagreements, audit.RetailerRules, audit.IndexRetailerRules, audit.Consistent, Positions = positions })
                : Results.Problem("This gate keeps no records to audit (Index:Records is None and no Durability:Path is set).", statusCode: StatusCodes.Status409Conflict);
        }).RequireHost(host);
    }
}
