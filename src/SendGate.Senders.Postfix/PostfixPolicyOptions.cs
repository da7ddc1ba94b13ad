
namespace SendGate.Senders.Postfix;

/// <summary>Section <c>Postfix</c>: where the policy service listens, who the senders are, and how the gate is reached.</summary>
public sealed class PostfixPolicyOptions
{
    public const string SectionName = "Postfix";

    /// <summary>IP:PORT for Postfix's <c>check_policy_service inet:IP:PORT</c>.</summary>
    public string Listen { get; set; } = "127.0.0.1:10040";

    /// <summary>Metrics and health (IP:PORT or http://IP:PORT).</summary>
    public string AdminUrl { get; set; } = "http://127.0.0.1:9466";

    /// <summary>
    /// Senders by name. A request's sender is the one named by its <c>sasl_username</c>, else by its
    /// <c>policy_context</c> (<c>-o smtpd_policy_service_policy_context=NAME</c> on a submission listener in master.cf).
    /// </summary>
    public Dictionary<string, SenderSettings> Senders { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The action for mail from a sender not configured here (no consent question can be asked): DUNNO (default: the
    /// rest of Postfix's restrictions decide, counted in sendgate_postfix_unknown_senders_total), or e.g.
    /// <c>REJECT 5.7.1 Sender not known to the consent gate</c> for a listener that only commercial senders use.
    /// </summary>
    public string UnknownSender { get; set; } = "DUNNO";

    /// <summary>The policy service's own client of the gate (its API key, deadline, batching).</summary>
    public GateSettings Gate { get; set; } = new();

    /// <summary>The longest request accepted (Postfix's requests are a few hundred bytes); a longer one closes the connection.</summary>
    public int MaxRequestBytes { get; set; } = 64 * 1024;

    public IEnumerable<string> Problems()
    {
        if (!SenderHost.TryParseEndpoint(Listen, out _, out string listen))
        {
            yield return $"{SectionName}:Listen: {listen}.";
        }

        if (!SenderHost.TryParseEndpoint(AdminUrl, out _, out string admin))
        {
            yield return $"{SectionName}:AdminUrl: {admin}.";
        }

        if (Senders.Count == 0)
        {
            yield return $"{SectionName}:Senders: no sender is configured; add {SectionName}:Senders:<sasl_username or policy_context>:BrandCode (and IysCode).";
        }

        foreach (var (name, sender) in Senders)
        {
            foreach (string problem in sender.Problems($"{SectionName}:Senders:{name}"))
            {
                yield return problem;
            }
        }

        if (!PolicyAction.IsValid(UnknownSender))
        {
            yield return $"{SectionName}:UnknownSender '{UnknownSender}' is not a Postfix access action (DUNNO, OK, REJECT text, DEFER_IF_PERMIT text, ...) on one line.";
        }

        foreach (string problem in Gate.Problems($"{SectionName}:Gate"))
        {
            yield return problem;
        }
    }
}
