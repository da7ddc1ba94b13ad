using SendGate.Core.Domain;

namespace SendGate.Core.Policy;

/// <summary>
/// What a request says about all its recipients at once. When the whole batch is decided
/// without looking anything up (informational, exempt sender, stale index), that decision is
/// <see cref="BlanketReason"/>, and the serving path skips the index entirely.
/// </summary>
public readonly record struct DecisionContext
{
    private DecisionContext(MessageKind kind, bool exemptSender, bool indexStale, Reason blanket)
    {
        Kind = kind;
        ExemptSender = exemptSender;
        IndexStale = indexStale;
        BlanketReason = blanket;
    }

    public MessageKind Kind { get; }

    public bool ExemptSender { get; }

    public bool IndexStale { get; }

    /// <summary>The reason for every valid recipient, or <see cref="Reason.Unspecified"/> when each needs its record.</summary>
    public Reason BlanketReason { get; }

    /// <param name="kind">As requested; unspecified and unknown kinds count as commercial.</param>
    /// <param name="exemptSender">The provider is exempt by configuration (public bodies, professional bodies, schools…).</param>
    /// <param name="indexStale">The index is older than the configured staleness bound (and fail-closed is on).</param>
    public static DecisionContext Create(MessageKind kind, bool exemptSender, bool indexStale)
    {
        kind = kind.Normalize();
        // Order matters: informational and exempt traffic needs no consent data, so it is
        // served even when that data is stale; only commercial sends depend on it.
        var blanket =
            kind == MessageKind.Informational ? Reason.AllowedInformational :
            exemptSender ? Reason.AllowedExemptSender :
            indexStale ? Reason.DeniedStaleIndex :
            Reason.Unspecified;
        return new DecisionContext(kind, exemptSender, indexStale, blanket);
    }
}
