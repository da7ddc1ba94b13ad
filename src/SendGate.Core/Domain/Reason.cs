namespace SendGate.Core.Domain;

/// <summary>
/// Why a recipient was allowed (1–15) or denied (16 and up). Values equal the wire enum
/// <c>sendgate.v1.Reason</c>; a response carries one of these as a byte per recipient.
/// </summary>
public enum Reason : byte
{
    Unspecified = 0,
    AllowedConsent = 1,
    AllowedInformational = 2,
    AllowedExemptSender = 3,
    DeniedNoConsent = 16,
    DeniedRefused = 17,
    DeniedLineClosed = 18,
    DeniedInvalidRecipient = 19,
    DeniedStaleIndex = 20,
    DeniedNoRetailerAccess = 21,
    DeniedShardUnavailable = 22,
}

public static class ReasonRules
{
    /// <summary>The highest value a reason can take; sizes per-reason counters.</summary>
    public const int MaxValue = 31;

    /// <summary>The last allowed reason's value: allowed reasons are 1–15 by contract (proto/sendgate/v1), denials 16 and up.</summary>
    public const int LastAllowed = 15;

    /// <summary>Allowed reasons are 1–15, by contract, so callers can test without knowing every value.</summary>
    public static bool IsAllowed(this Reason reason) => (uint)reason - 1 < LastAllowed;

    /// <summary>Short upper-case names as they appear on the wire (without the REASON_ prefix).</summary>
    public static string Name(this Reason reason) => reason switch
    {
        Reason.AllowedConsent => "ALLOWED_CONSENT",
        Reason.AllowedInformational => "ALLOWED_INFORMATIONAL",
        Reason.AllowedExemptSender => "ALLOWED_EXEMPT_SENDER",
        Reason.DeniedNoConsent => "DENIED_NO_CONSENT",
        Reason.DeniedRefused => "DENIED_REFUSED",
        Reason.DeniedLineClosed => "DENIED_LINE_CLOSED",
        Reason.DeniedInvalidRecipient => "DENIED_INVALID_RECIPIENT",
        Reason.DeniedStaleIndex => "DENIED_STALE_INDEX",
        Reason.DeniedNoRetailerAccess => "DENIED_NO_RETAILER_ACCESS",
        Reason.DeniedShardUnavailable => "DENIED_SHARD_UNAVAILABLE",
        _ => "UNSPECIFIED",
    };
}
