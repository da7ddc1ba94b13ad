using Microsoft.Extensions.Logging;
using SendGate.Contracts.V1;

namespace SendGate.Senders.Postfix;

/// <summary>
/// The answer to one policy request: at RCPT, for a configured sender, the gate's verdict on the recipient
/// (allowed → DUNNO, denied → REJECT 5.7.1, stale or unanswered → DEFER_IF_PERMIT 4.7.1); DUNNO for every other
/// request, so that the service can sit in any restriction list without deciding what is not about consent.
/// </summary>
public sealed class PolicyDecider
{
    private readonly CheckBatcher _batcher;
    private readonly PostfixPolicyOptions _options;
    private readonly PostfixMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Dictionary<string, SenderProfile> _senders;

    public PolicyDecider(CheckBatcher batcher, PostfixPolicyOptions options, PostfixMetrics metrics, ILogger<PolicyDecider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _batcher = batcher;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _senders = options.Senders.ToDictionary(sender => sender.Key, sender => sender.Value.Profile(Channel.Eposta), StringComparer.Ordinal);
    }

    public async Task<string> DecideAsync(PolicyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind != "smtpd_access_policy" || !string.Equals(request.ProtocolState, "RCPT", StringComparison.OrdinalIgnoreCase) || request.Recipient.Length == 0)
        {
            _metrics.Answered("dunno", "not_rcpt");
            return PolicyAction.Dunno;
        }

        string? name = Sender(request);
        if (name is null)
        {
            _metrics.UnknownSender();
            _metrics.Answered("configured", "unknown_sender");
            PostfixLog.UnknownSender(_logger, request.SaslUsername, request.PolicyContext, _options.UnknownSender);
            return _options.UnknownSender;
        }

        var verdict = (await _batcher.DecideAsync(_senders[name], [request.Recipient], cancellationToken).ConfigureAwait(false))[0];
        string action = PolicyAction.For(verdict);
        _metrics.Answered(verdict.IsAllowed ? "dunno" : verdict.IsTemporary ? "defer" : "reject", verdict.Failure?.ToString() ?? Core.Domain.ReasonRules.Name(verdict.Reason));
        PostfixLog.Answered(_logger, name, action);
        return action;
    }

    /// <summary>sasl_username first (the authenticated submitter), then the listener's policy_context.</summary>
    private string? Sender(PolicyRequest request) =>
        request.SaslUsername.Length > 0 && _senders.ContainsKey(request.SaslUsername) ? request.SaslUsername
        : request.PolicyContext.Length > 0 && _senders.ContainsKey(request.PolicyContext) ? request.PolicyContext
        : null;
}
