using System.Globalization;
using SendGate.Access;
using Microsoft.Extensions.Options;
using SendGate.Audit;
using SendGate.Core.Domain;
using SendGate.Grpc;
using SendGate.Grpc.Server;
using SendGate.Server.Hosting;
using SendGate.Server.Observability;

namespace SendGate.Server.Access;

/// <summary>
/// The gate's access control on the gRPC transport. Every call is authenticated before its
/// handler runs (API key, else client certificate); handlers then ask for the caller's admission
/// to what the request names. Refusals say what the caller lacks, never whether data exists.
/// Clients, keys, grants and limits reload with the configuration (a new key works, a removed
/// one stops working, without a restart); a reload that would not work is refused and logged,
/// and the previous clients stay. The mode (on or off) is fixed at start.
/// </summary>
internal sealed partial class AccessGuard : IGrpcCallAuthenticator, IDisposable
{
    private const string HealthPrefix = "/grpc.health.v1.Health/";
    private const string ReflectionPrefix = "/grpc.reflection.";
    private static readonly GrpcStatus Unauthenticated = new(StatusCode.Unauthenticated,
        "A valid API key (metadata 'authorization: Bearer <key>' or 'x-api-key: <key>') or client certificate is required.");

    private readonly AccessSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger<AccessGuard> _logger;
    private readonly IDisposable? _reloads;
    private ClientDirectory _directory;
    private readonly bool _openHealth;
    private readonly bool _openReflection;
    private readonly GateMetrics _metrics;

    public AccessGuard(AccessSettings settings, ClientDirectory directory, GateMetrics metrics, DecisionLog decisions, IOptionsMonitor<AccessOptions> reloads, TimeProvider clock, ILogger<AccessGuard> logger)
    {
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

    public GrpcStatus? Authenticate(GrpcCallContext context)
    {
        if (!Required)
        {
            context.Caller = GateClient.Anonymous;
            return null;
        }

        if ((_openHealth && context.Method.StartsWith(HealthPrefix, StringComparison.Ordinal)) ||
            (_openReflection && context.Method.StartsWith(ReflectionPrefix, StringComparison.Ordinal)))
        {
            return null;
        }

        GateClient? client = null;
        if (ApiKeys.TryRead(context.GetHeader("authorization"), context.GetHeader("x-api-key"), out var key, out string? malformed))
        {
            client = Volatile.Read(ref _directory).FindByKey(key);
        }
        else if (malformed is not null)
        {
            _metrics.RecordRefused(null, "unauthenticated");
            return new GrpcStatus(StatusCode.Unauthenticated, $"Malformed credentials: {malformed}.");
        }
        else if (context.HttpContext.Connection.ClientCertificate is { } certificate)
        {
            // Kestrel has validated the chain against Grpc:Tls:ClientCaPath before the call got here.
            client = Volatile.Read(ref _directory).FindBySubject(certificate.SubjectName);
        }

        if (client is null)
        {
            _metrics.RecordRefused(null, "unauthenticated");
            return Unauthenticated;
        }

        context.Caller = client;
        return null;
    }

    public void Dispose() => _reloads?.Dispose();

    /// <summary>The authenticated caller; a call that somehow has none is refused, never served as anyone.</summary>
    public static GateClient Caller(GrpcCallContext context) =>
        context.Caller as GateClient ?? throw new GrpcException(Unauthenticated);

    /// <summary>Admits a Check or throws the refusal's status (PERMISSION_DENIED, RESOURCE_EXHAUSTED with a retry hint).</summary>
    public void AdmitCheck(GateClient client, uint iysCode, uint brand, Channel channel, int recipients, int gateMaxBatch)
    {
        var admission = client.AdmitCheck(iysCode, brand, channel, recipients, gateMaxBatch);
        if (!admission.IsAdmitted)
        {
            throw Refuse(client, admission, "second", $"Check for iys_code {iysCode}, brand_code {brand}, channel {channel.Name()}");
        }
    }

    public void AdmitExplain(GateClient client, uint iysCode, uint brand, Channel channel)
    {
        var admission = client.AdmitExplain(iysCode, brand, channel);
        if (!admission.IsAdmitted)
        {
            throw Refuse(client, admission, "minute", $"Explain for iys_code {iysCode}, brand_code {brand}, channel {channel.Name()}");
        }
    }

    private void Reload(AccessOptions options)
    {
        if (!Required)
        {
            if (options.Clients.Count > 0)
            {
                LogReloadIgnored(_logger);
            }

            return;
        }

        if (_settings.Problems(options) is { Count: > 0 } problems)
        {
            LogReloadRefused(_logger, string.Join(" ", problems));
            return;
        }

        // Budgets start full again for every client: a reload is an operator's act, not a client's.
        var directory = new ClientDirectory(options, _clock);
        Volatile.Write(ref _directory, directory);
        LogReloaded(_logger, directory.Clients.Count);
    }

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Access configuration reloaded: {Clients} clients")]
    private static partial void LogReloaded(ILogger logger, int clients);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "Access configuration change refused, the previous clients stay: {Problems}")]
    private static partial void LogReloadRefused(ILogger logger, string problems);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Access:Clients changed while access control is off: restart the gate to turn it on")]
    private static partial void LogReloadIgnored(ILogger logger);

    private GrpcException Refuse(GateClient client, Admission admission, string per, string what)
    {
        switch (admission.Refusal)
        {
            case Refusal.NotGranted:
                _metrics.RecordRefused(client.Name, "permission_denied");
                return new GrpcException(StatusCode.PermissionDenied, $"This client ({client.Name}) is not granted {what}.");
            case Refusal.BatchTooLarge:
                _metrics.RecordRefused(client.Name, "batch_too_large");
                return new GrpcException(StatusCode.ResourceExhausted, $"At most {admission.Limit} recipients per request for this client: split the batch.");
            default:
                _metrics.RecordRefused(client.Name, "rate_limited");
                if (admission.RetryAfter == Timeout.InfiniteTimeSpan)
                {
                    return new GrpcException(StatusCode.ResourceExhausted, $"The request is larger than this client's burst ({admission.Limit}): split the batch.");
                }

                // grpc-retry-pushback-ms is what gRPC clients' retry policies honour; retry-after-ms is for everyone else.
                string millis = Math.Max(1, (long)Math.Ceiling(admission.RetryAfter.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
                return new GrpcException(
                    new GrpcStatus(StatusCode.ResourceExhausted, $"Rate limit of this client reached ({admission.Limit} per {per}): retry after {millis} ms."),
                    [new("retry-after-ms", millis), new("grpc-retry-pushback-ms", millis)]);
        }
    }
}
