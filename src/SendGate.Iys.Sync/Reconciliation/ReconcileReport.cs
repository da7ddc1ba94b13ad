using SendGate.Core.Consent;
using SendGate.Core.Domain;

namespace SendGate.Iys.Sync.Reconciliation;

/// <summary>How the gate's answer for one tuple compares with İYS's newest change of the day.</summary>
public enum Verdict
{
    /// <summary>ONAY answered ALLOWED_CONSENT, RET answered DENIED_REFUSED.</summary>
    Agree,

    /// <summary>İYS says ONAY; the gate denies because the line was closed after that consent (closures are the operators', not İYS's).</summary>
    LineClosed,

    /// <summary>The gate holds a newer change for the tuple than the day's (from a later day): nothing to fix.</summary>
    Superseded,

    /// <summary>The gate answers otherwise and holds nothing newer: it missed the change.</summary>
    Disagree,
}

/// <summary>One tuple the gate disagrees on, by key — never by address.</summary>
public sealed record Disagreement(ConsentKey Key, ConsentStatus IysStatus, ConsentTime IysModifiedAt, Reason GateReason, ConsentTime? GateModifiedAt);

/// <summary>Counts for one (channel, recipient type, İYS status).</summary>
public sealed record ReconcileCounts(Channel Channel, RecipientType RecipientType, ConsentStatus Status, int Tuples, int Agree, int LineClosed, int Superseded, int Disagree);

/// <summary>One brand's reconciliation of one day.</summary>
public sealed record ReconcileReport(uint Brand, DateOnly Day, int Rows, IReadOnlyDictionary<string, int> Rejected, IReadOnlyList<ReconcileCounts> Counts, IReadOnlyList<Disagreement> Disagreements)
{
    public int Tuples => Counts.Sum(count => count.Tuples);

    public bool Agrees => Disagreements.Count == 0;
}
