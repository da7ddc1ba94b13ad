using SendGate.Core.Domain;

namespace SendGate.Senders;

/// <summary>
/// Reasons in words for the people who read a sender's replies (an SMTP reply, an HTTP body): plain ASCII, as SMTP
/// replies must be, and nothing beyond the reason — no address, no record.
/// </summary>
public static class ReasonText
{
    public static string Of(Reason reason) => reason switch
    {
        Reason.DeniedNoConsent => "no IYS consent on record for commercial messages from this brand",
        Reason.DeniedRefused => "the recipient refused commercial messages from this brand (IYS RET)",
        Reason.DeniedLineClosed => "the recipient's line or address was closed after the consent was given",
        Reason.DeniedInvalidRecipient => "not a valid recipient address for this channel",
        Reason.DeniedNoRetailerAccess => "the consent may not be used on behalf of this retailer",
        Reason.DeniedStaleIndex => "the consent gate's data is out of date; try again later",
        Reason.DeniedShardUnavailable => "the consent gate serving this brand did not answer; try again later",
        _ when reason.IsAllowed() => "allowed",
        _ => "no decision",
    };
}
