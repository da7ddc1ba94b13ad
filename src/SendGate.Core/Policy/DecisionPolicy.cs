using System.Runtime.CompilerServices;
using SendGate.Core.Consent;
using SendGate.Core.Domain;

namespace SendGate.Core.Policy;

/// <summary>
/// The decision table of DOMAIN.md as a pure function, in the order the rules apply:
/// <list type="number">
/// <item>recipient malformed or of the wrong kind for the channel → DENIED_INVALID_RECIPIENT (any kind: the gate cannot vouch for what it cannot parse);</item>
/// <item>informational → ALLOWED_INFORMATIONAL; exempt provider → ALLOWED_EXEMPT_SENDER;</item>
/// <item>commercial with the index beyond its staleness bound → DENIED_STALE_INDEX;</item>
/// <item>no record → DENIED_NO_CONSENT (TACIR too: a merchant must be registered in İYS);</item>
/// <item>a record not newer than the recipient's line closure → DENIED_LINE_CLOSED;</item>
/// <item>RET → DENIED_REFUSED; ONAY → ALLOWED_CONSENT;</item>
/// <item>on behalf of a retailer, an ONAY the retailer may not use (not its own, no access given) → DENIED_NO_RETAILER_ACCESS (<see cref="ForRetailer"/>).</item>
/// </list>
/// </summary>
public static class DecisionPolicy
{
    public static Reason Decide(in DecisionContext context, bool recipientValid, ConsentState state, ConsentTime lineClosedAt)
    {
        if (!recipientValid)
        {
            return Reason.DeniedInvalidRecipient;
        }

        return context.BlanketReason != Reason.Unspecified ? context.BlanketReason : DecideByRecord(state, lineClosedAt);
    }

    /// <summary>The commercial rows: what the record (or its absence) and the line closure say.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Reason DecideByRecord(ConsentState state, ConsentTime lineClosedAt)
    {
        if (state.IsNone)
        {
            return Reason.DeniedNoConsent;
        }

        if (LineClosureRule.Voids(lineClosedAt, state))
        {
            return Reason.DeniedLineClosed;
        }

        return state.Status == ConsentStatus.Ret ? Reason.DeniedRefused : Reason.AllowedConsent;
    }

    /// <summary>
    /// The last row, for a request on behalf of <paramref name="retailer"/> (0: the brand itself): a consent the
    /// retailer may not use is denied; every other answer stands.
    /// </summary>
    public static Reason ForRetailer(Reason byRecord, uint retailer, RetailerRule? rule) =>
        byRecord == Reason.AllowedConsent && retailer != 0 && rule?.Allows(retailer) != true ? Reason.DeniedNoRetailerAccess : byRecord;

    /// <summary>A sentence for Explain: which rule decided.</summary>
    public static string Describe(Reason reason, ConsentState state, ConsentTime lineClosedAt) => reason switch
    {
        Reason.AllowedConsent => $"ONAY {Given(state)} (modified {state.ModifiedAt.ToIysString()}, GMT+3) for this brand, channel and recipient type",
        Reason.AllowedInformational => "the message was declared informational (BILGILENDIRME): no consent is needed; the provider is responsible for that classification",
        Reason.AllowedExemptSender => "the provider (iysCode) is configured as exempt from the consent requirement",
        Reason.DeniedNoConsent => "no consent record for this brand, channel and recipient type (a TACIR recipient must be registered in İYS too)",
        Reason.DeniedRefused => $"RET (refused) {Given(state)} (modified {state.ModifiedAt.ToIysString()}, GMT+3)",
        Reason.DeniedLineClosed => state.HasConsentDate
            ? $"the line was closed {lineClosedAt.ToIysString()} (GMT+3); the record from {state.ConsentDate.ToIysString()} is not newer and is void"
            : $"the line was closed {lineClosedAt.ToIysString()} (GMT+3); the record, which has no consent date, was last modified {state.ModifiedAt.ToIysString()}, is not newer and is void",
        Reason.DeniedInvalidRecipient => "the recipient is not a valid address for this channel",
        Reason.DeniedStaleIndex => "the gate's consent data is older than its staleness bound; commercial sends are denied until it catches up",
        Reason.DeniedNoRetailerAccess => $"ONAY {Given(state)}, but the request is on behalf of a retailer this consent does not belong to and gives no access to",
        _ => "undecided",
    };

    private static string Given(ConsentState state) =>
        state.HasConsentDate ? $"given {state.ConsentDate.ToIysString()}" : "without a consent date (a TACIR record: İYS makes it optional)";
}
