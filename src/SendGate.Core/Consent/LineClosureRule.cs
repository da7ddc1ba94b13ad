using SendGate.Core.Domain;

namespace SendGate.Core.Consent;

/// <summary>
/// Line closures. Intermediaries report closed subscriber lines to İYS; a closed number may be
/// reassigned, so every consent of that recipient (all brands, channels, types) that is not
/// newer than the closure belongs to the previous subscriber and is void. "Newer" compares the
/// record's consent date, not its modification time: a consent uploaded late with an old
/// consent date was still given by the previous subscriber. A TACIR record without a consent
/// date is compared by its modification time, the only time İYS gives for it.
/// Closures of one recipient combine by maximum, so they too are order-independent.
/// </summary>
public static class LineClosureRule
{
    /// <summary>Of two closure times for the same recipient, the one that stands.</summary>
    public static ConsentTime Newest(ConsentTime current, ConsentTime incoming) => incoming > current ? incoming : current;

    /// <summary>True when the closure voids the record.</summary>
    public static bool Voids(ConsentTime closedAt, ConsentState state) =>
        !closedAt.IsNone && !state.IsNone && state.EffectiveConsentDate <= closedAt;
}
