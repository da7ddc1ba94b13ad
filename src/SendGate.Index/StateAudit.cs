using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Index;

/// <summary>
/// What an audit of the consent store found: the order-independent digest of the records (see
/// <see cref="StateDigest"/>), the hot index's own counts, and how many records the index
/// answers differently. A healthy store has zero disagreements and equal counts; two replicas
/// fed the same events have equal digests. Taken while the feed applies changes, the figures
/// describe a moving state: compare them when the feed is idle.
/// </summary>
public sealed record StateAudit(string Digest, long Tuples, long Closures, long IndexTuples, long IndexClosures, long Disagreements, long RetailerRules, long IndexRetailerRules)
{
    public bool Consistent => Disagreements == 0 && Tuples == IndexTuples && Closures == IndexClosures && RetailerRules == IndexRetailerRules;

    /// <summary>Null when the store keeps no records to audit (Index:Records None without durable state).</summary>
    public static StateAudit? Take(ConsentStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var visitor = new Visitor(store.Index);
        if (!store.Records.Visit(visitor, cancellationToken))
        {
            return null;
        }

        return new StateAudit(visitor.Digest.Value, visitor.Digest.Tuples, visitor.Digest.Closures, store.Index.Count, store.Index.ClosureCount, visitor.Disagreements,
            visitor.RetailerRules, store.Index.Retailers.Count);
    }

    private sealed class Visitor(ConsentIndex index) : IConsentStateVisitor
    {
        public StateDigest Digest { get; } = new();

        public long Disagreements { get; private set; }

        public long RetailerRules { get; private set; }

        public void Consent(in ConsentKey key, ConsentState state)
        {
            Digest.Consent(key, state);
            if (index.StateOf(key) != state)
            {
                Disagreements++;
            }
        }

        /// <summary>A record's retailer rule must be the one beside the hot index (a retailer request is decided by it).</summary>
        public void Retailers(in ConsentKey key, ConsentState state, RetailerRule rule)
        {
            RetailerRules++;
            if (!rule.Equals(index.Retailers.Find(key)))
            {
                Disagreements++;
            }
        }

        public void Closure(RecipientKey recipient, ConsentTime closedAt)
        {
            Digest.Closure(recipient, closedAt);
            if (index.ClosureOf(recipient) != closedAt)
            {
                Disagreements++;
            }
        }
    }
}
