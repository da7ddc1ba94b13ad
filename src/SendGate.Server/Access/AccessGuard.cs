using Microsoft.Extensions.Options;
using SendGate.Access;
using SendGate.Audit;
using SendGate.Core.Domain;
using SendGate.Server.Gate;
using SendGate.Server.Observability;

namespace SendGate.Server.Access;

/// <summary>
/// The gate's access control. Every gRPC call is authenticated before its request is read (API
/// key, else client certificate: <see cref="AccessMiddleware"/>); processors then ask for the
/// caller's admission to what the request names. Rejections say what the caller lacks, never
/// whether data exists. Clients, keys, grants and limits reload with the configuration (a new key
/// works, a removed one stops working, without a restart); a reload that would not work is
/// refused and logged, and the previous clients stay. The mode (on or off) is fixed at start.
/// </summary>
internal sealed partial class AccessGuard : IDisposable
{
    private const string HealthPrefix = "/grpc.health.v1.Health/";
    private const string ReflectionPrefix = "/grpc.reflection.";

    private readonly AccessSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger<AccessGuard> _logger;
    private readonly IDisposable? _reloads;
    private readonly BudgetFactory? _budgets;
    private ClientDirectory _directory;
    private readonly bool _openHealth;
    private readonly bool _openReflection;
    private readonly GateMetrics _metrics;

    public AccessGuard(AccessSettings settings, ClientDirectory directory, GateMetrics metrics, DecisionLog decisions, IOptionsMonitor<AccessOptions> reloads, TimeProvider clock, ILogger<AccessGuard> logger,
        BudgetFactory? budgets = null)
    {
        _budgets = budgets;
        if (!settings.Required)
        {
            ServerLog.AccessOff(logger, settings.Why);
        }
        else
        {
            ServerLog.AccessOn(logger, settings.Why, directory.Clients.Count);
            if (!decisions.Enabled)
            {
                ServerLog.NoDecisionLog(logger);
            }
        }

        Required = settings.Required;
        _openHealth = settings.Options.OpenHealth;
        _openReflection = settings.Options.OpenReflection;
        _directory = directory;
        _metrics = metrics;
        _settings = settings;
        _clock = clock;
        _logger = logger;
        _reloads = reloads.OnChange(Reload);
    }

    /// <summary>False when access control is off: every caller is <see cref="GateClient.Anonymous"/>.</summary>
    public bool Required { get; }

    /// <summary>
    /// Names the caller of <paramref name="method"/> (a gRPC path, <c>/package.Service/Method</c>) in
    /// <paramref name="context"/>'s features, or returns why it may not call. Health and reflection
    /// may be open to anyone (Access:OpenHealth, Access:OpenReflection).
    /// </summary>
    public Rejection? Authenticate(string method, HttpContext context)
    {
        if (!Required ||
            (_openHealth && method.StartsWith(HealthPrefix, StringComparison.Ordinal)) ||
            (_openReflection && method.StartsWith(ReflectionPrefix, StringComparison.Ordinal)))
        {
            return null;
        }

        GateClient? client = null;
        var headers = context.Request.Headers;
        if (ApiKeys.TryRead(headers.Authorization, headers["x-api-key"], out var key, out string? malformed))
        {
            client = Volatile.Read(ref _directory).FindByKey(key);
        }
        else if (malformed is not null)
        {
            _metrics.RecordRefused(null, "unauthenticated");
            return Rejections.MalformedCredentials(malformed);
        }
        else if (context.Connection.ClientCertificate is { } certificate)
        {
            // Kestrel has validated the chain against Grpc:Tls:ClientCaPath before the call got here.
            client = Volatile.Read(ref _directory).FindBySubject(certificate.SubjectName);
        }

        if (client is null)
        {
            _metrics.RecordRefused(null, "unauthenticated");
            return Rejections.Unauthenticated;
        }

        context.Features.Set(client);
        return null;
    }

    /// <summary>The caller <see cref="Authenticate"/> named; with access control off, <see cref="GateClient.Anonymous"/>; otherwise null (never served as anyone).</summary>
    public GateClient? Caller(HttpContext context) => Required ? context.Features.Get<GateClient>() : GateClient.Anonymous;

    public void Dispose() => _reloads?.Dispose();

    /// <summary>
    /// Admits a Check, or says why not (not granted — the brand, or the retailer it is on behalf of, 0 for the brand;
    /// over the batch cap, the burst or the rate, with when to retry). A null retailer skips the retailer check: a call
    /// that decides for no one (RecordOptOut: a refusal may come from any sender of the brand).
    /// </summary>
    public Rejection? AdmitCheck(GateClient client, string method, uint iysCode, uint brand, Channel channel, int recipients, int gateMaxBatch, uint? retailer = 0)
    {
        if (retailer is { } on && !client.MayActFor(on))
        {
            _metrics.RecordRefused(client.Name, "permission_denied");
            return Rejections.NotGrantedRetailer(client.Name, method, on);
        }

        var admission = client.AdmitCheck(iysCode, brand, channel, recipients, gateMaxBatch);
        return admission.IsAdmitted ? null : Refuse(client, admission, "second", method, iysCode, brand, channel);
    }

    public Rejection? AdmitExplain(GateClient client, uint iysCode, uint brand, Channel channel, uint retailer = 0)
    {
        if (!client.MayActFor(retailer))
        {
            _metrics.RecordRefused(client.Name, "permission_denied");
            return Rejections.NotGrantedRetailer(client.Name, "Explain", retailer);
        }

        var admission = client.AdmitExplain(iysCode, brand, channel);
        return admission.IsAdmitted ? null : Refuse(client, admission, "minute", "Explain", iysCode, brand, channel);
    }

    private void Reload(AccessOptions options)
    {
        if (!Required)
        {
            if (options.Clients.Count > 0)
            {
                ServerLog.AccessReloadIgnored(_logger);
            }

            return;
        }

        if (_settings.Problems(options) is { Count: > 0 } problems)
        {
            ServerLog.AccessReloadRefused(_logger, string.Join(" ", problems));
            return;
        }

        // Budgets of this gate's own start full again for every client: a reload is an operator's act, not a
        // client's. Shared budgets keep their state in Redis and are only leased anew.
        var directory = new ClientDirectory(options, _clock, _budgets);
        Volatile.Write(ref _directory, directory);
        ServerLog.AccessReloaded(_logger, directory.Clients.Count);
    }


    private Rejection Refuse(GateClient client, Admission admission, string per, string method, uint iysCode, uint brand, Channel channel)
    {
        switch (admission.Refusal)
        {
            case Refusal.NotGranted:
                _metrics.RecordRefused(client.Name, "permission_denied");
                return Rejections.NotGranted(client.Name, method, iysCode, brand, channel);
            case Refusal.BatchTooLarge:
                _metrics.RecordRefused(client.Name, "batch_too_large");
                return Rejections.OverClientBatch(admission.Limit);
            default:
                _metrics.RecordRefused(client.Name, "rate_limited");
                return admission.RetryAfter == Timeout.InfiniteTimeSpan
                    ? Rejections.OverBurst(admission.Limit)
                    : Rejections.RateLimited(admission.Limit, per, admission.RetryAfter);
        }
    }
}
