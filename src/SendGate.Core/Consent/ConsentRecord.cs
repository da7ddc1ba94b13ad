using SendGate.Core.Domain;

namespace SendGate.Core.Consent;

/// <summary>
/// The full consent record as the gate keeps it for Explain and for rebuilding the hot index:
/// the packed <see cref="State"/> plus the evidence İYS gave with it. Never holds an address.
/// </summary>
public sealed record ConsentRecord
{
    public required ConsentState State { get; init; }

    public uint IysCode { get; init; }

    /// <summary>İYS source as received (HS_WEB, IYS_MOBIL, …); unknown values are kept, not refused.</summary>
    public string Source { get; init; } = string.Empty;

    public string TransactionId { get; init; } = string.Empty;

    public string RetailerCode { get; init; } = string.Empty;

    public IReadOnlyList<string> RetailerAccess { get; init; } = [];

    /// <summary>Which retailers may use this consent; null when it is the brand's own (the fields were validated on arrival).</summary>
    public RetailerRule? Retailers => RetailerRule.TryParse(RetailerCode, RetailerAccess, out var rule) ? rule : null;

    public ConsentStatus Status => State.Status;

    public ConsentTime ConsentDate => State.ConsentDate;

    public ConsentTime ModifiedAt => State.ModifiedAt;

    /// <summary>Value equality, retailer access included element by element.</summary>
    public bool Equals(ConsentRecord? other) =>
        other is not null && State == other.State && IysCode == other.IysCode && Source == other.Source &&
        TransactionId == other.TransactionId && RetailerCode == other.RetailerCode && RetailerAccess.SequenceEqual(other.RetailerAccess);

    public override int GetHashCode() => HashCode.Combine(State, IysCode, Source, TransactionId, RetailerCode, RetailerAccess.Count);

    /// <summary>
    /// The event application rule for full records: the <see cref="ConsentState"/> order first,
    /// then, for two different records with the same state, a fixed order on the evidence, so
    /// that any delivery order keeps the same record.
    /// </summary>
    public static ConsentRecord Newest(ConsentRecord? current, ConsentRecord incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        if (current is null)
        {
            return incoming;
        }

        int byState = incoming.State.CompareTo(current.State);
        if (byState != 0)
        {
            return byState > 0 ? incoming : current;
        }

        return CompareEvidence(incoming, current) > 0 ? incoming : current;
    }

    private static int CompareEvidence(ConsentRecord a, ConsentRecord b)
    {
        int c = string.CompareOrdinal(a.TransactionId, b.TransactionId);
        if (c == 0)
        {
            c = string.CompareOrdinal(a.Source, b.Source);
        }

        if (c == 0)
        {
            c = a.IysCode.CompareTo(b.IysCode);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(a.RetailerCode, b.RetailerCode);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(string.Join('\n', a.RetailerAccess), string.Join('\n', b.RetailerAccess));
        }

        return c;
    }
}
