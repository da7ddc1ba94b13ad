using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Index.Records;

/// <summary>
/// The full consent records (source, transaction id, retailer…) that only Explain needs, and the
/// line closures: kept apart from the hot index so that the serving path never touches them.
/// One writer (the feed, through <see cref="ConsentStore"/>) applies them by the Core rule;
/// readers may read concurrently.
/// </summary>
public interface IConsentRecordStore
{
    /// <summary>Consent records held (0 when the store keeps none).</summary>
    long Count { get; }

    /// <summary>False for a store that keeps nothing: the writer then skips reading the state a record would be compared with.</summary>
    bool KeepsRecords { get; }

    /// <summary>
    /// Writer: keeps the record that stands by <see cref="ConsentRecord.Newest"/>. Called only with
    /// a record at least as new as <paramref name="current"/>, the state the hot index held for the
    /// key before this change (the two always agree), so a store need read its own copy only when
    /// the states tie.
    /// </summary>
    void Apply(in ConsentKey key, ConsentRecord record, ConsentState current);

    /// <summary>
    /// Writer: keeps the later of the recipient's stored closure and <paramref name="closedAt"/>. Called only with a
    /// time at least <paramref name="current"/>, the closure the hot index held before (so a store need read its own
    /// copy only when the two tie: after a recovery the index can hold a closure the store has not yet written).
    /// </summary>
    void ApplyClosure(RecipientKey recipient, ConsentTime closedAt, ConsentTime current);

    ConsentRecord? Find(in ConsentKey key);

    /// <summary>Visits every record's state and every closure; false when the store keeps none to visit.</summary>
    bool Visit(IConsentStateVisitor visitor, CancellationToken cancellationToken = default);
}

/// <summary>Keeps no records: Explain then reports what the hot index holds (status and dates) without the evidence.</summary>
public sealed class NoConsentRecordStore : IConsentRecordStore
{
    public long Count => 0;

    public bool KeepsRecords => false;

    public void Apply(in ConsentKey key, ConsentRecord record, ConsentState current)
    {
    }

    public void ApplyClosure(RecipientKey recipient, ConsentTime closedAt, ConsentTime current)
    {
    }

    public ConsentRecord? Find(in ConsentKey key) => null;

    public bool Visit(IConsentStateVisitor visitor, CancellationToken cancellationToken = default) => false;
}
