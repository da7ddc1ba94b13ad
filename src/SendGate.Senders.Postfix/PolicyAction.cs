
namespace SendGate.Senders.Postfix;

/// <summary>The <c>action=</c> answers the policy service gives, per Postfix's access(5) and SMTPD_POLICY_README.</summary>
public static class PolicyAction
{
    /// <summary>Allowed, or not ours to decide: the rest of Postfix's restrictions go on.</summary>
    public const string Dunno = "DUNNO";

    private static readonly string[] Verbs = ["DUNNO", "OK", "REJECT", "DEFER", "DEFER_IF_PERMIT", "DEFER_IF_REJECT", "DISCARD", "HOLD", "WARN", "INFO", "FILTER", "REDIRECT", "BCC", "PREPEND"];

    /// <summary>A definite denial: 5.7.1 (delivery not authorized) and the reason in words, nothing beyond it.</summary>
    public static string Reject(Verdict verdict) => "REJECT 5.7.1 Commercial e-mail refused: " + ReasonText.Of(verdict.Reason);

    /// <summary>Ask again later: a 4.7.1 the client retries, and only if nothing else rejects the recipient.</summary>
    public static string Defer(Verdict verdict) => verdict.Failure is { } status
        ? $"DEFER_IF_PERMIT 4.7.1 Consent check unavailable ({status}); try again later"
        : "DEFER_IF_PERMIT 4.7.1 Consent check unavailable: " + ReasonText.Of(verdict.Reason);

    public static string For(Verdict verdict) => verdict.IsAllowed ? Dunno : verdict.IsTemporary ? Defer(verdict) : Reject(verdict);

    /// <summary>An action this service may be configured to answer: one line, starting with an access(5) verb.</summary>
    public static bool IsValid(string? action)
    {
        if (string.IsNullOrWhiteSpace(action) || action.Contains('\n', StringComparison.Ordinal) || action.Contains('\r', StringComparison.Ordinal))
        {
            return false;
        }

        string verb = action.Split(' ', 2)[0];
        return Verbs.Contains(verb, StringComparer.OrdinalIgnoreCase) || (verb.Length == 3 && verb.All(char.IsAsciiDigit) && verb[0] is '4' or '5');
    }
}
