using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Index.Records;

namespace SendGate.Index;

/// <summary>
/// Everything the gate knows about consents: the hot index (read by every check) and the full
/// records (read by Explain), changed together by one writer — the feed — through
/// <see cref="Apply(ConsentChange)"/> and <see cref="Apply(LineClosure)"/>.
/// </summary>
public sealed class ConsentStore(ConsentIndex index, IConsentRecordStore records) : IDisposable
{
    private ConsentIndex _index = index;
    private uint _newestChange;
    private long _applied;

    /// <summary>The hot index; readers take it anew for each request (recovery may put a loaded snapshot in its place).</summary>
    public ConsentIndex Index => Volatile.Read(ref _index);

    public IConsentRecordStore Records => records;

    /// <summary>The newest modification (or closure) time among the changes applied.</summary>
    public ConsentTime NewestChange => new(Volatile.Read(ref _newestChange));

    /// <summary>Changes handed to <see cref="Apply(ConsentChange)"/> and <see cref="Apply(LineClosure)"/>, duplicates included.</summary>
    public long Applied => Volatile.Read(ref _applied);

    /// <summary>
    /// Writer: a hint that <paramref name="decoded"/> is about to be applied — its slots in the hot index start on
    /// their way to the cache. Applying a batch, the writer hints a few events ahead, so the index's cache misses
    /// (nearly one per event once the index outgrows the cache) overlap instead of adding up.
    /// </summary>
    public void Prefetch(in DecodedEvent decoded)
    {
        if (decoded.Change is { } change)
        {
            Index.Prefetch(change.Key);
        }
        else if (decoded.Closure is { } closure)
        {
            Index.PrefetchClosure(closure.Recipient);
        }
    }

    /// <summary>
    /// Writer: applies a consent change by the Core rule. True when the hot state changed.
    /// The records go first: should the durable store fail, the index has not moved either.
    /// </summary>
    public bool Apply(ConsentChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var hot = Index;
        var retailers = change.Record.Retailers;
        bool tracksRetailers = retailers is not null || hot.Retailers.Count > 0;
        if (records.KeepsRecords || tracksRetailers)
        {
            var current = hot.StateOf(change.Key);
            if (change.Record.State >= current)
            {
                if (records.KeepsRecords)
                {
                    records.Apply(change.Key, change.Record, current);
                }

                if (tracksRetailers)
                {
                    // The standing record's rule, or none. Two records with the same state are told apart by their
                    // evidence (ConsentRecord.Newest): the rule is then the one of the record the store kept.
                    var standing = change.Record.State == current && records.KeepsRecords ? records.Find(change.Key)?.Retailers : retailers;
                    hot.Retailers.Set(change.Key, standing);
                }
            }
        }

        bool changed = hot.Apply(change.Key, change.Record.State);
        Observe(change.Record.ModifiedAt);
        return changed;
    }

    /// <summary>Writer: applies a line closure. True when it changed the recipient's closure time.</summary>
    public bool Apply(LineClosure closure)
    {
        var hot = Index;
        if (records.KeepsRecords)
        {
            // A tie is passed on too: recovered from a checkpoint written beside the feed, the index's snapshot can
            // hold a closure the durable store's cut missed, which only the replay of that closure writes there.
            var current = hot.ClosureOf(closure.Recipient);
            if (closure.ClosedAt >= current)
            {
                records.ApplyClosure(closure.Recipient, closure.ClosedAt, current);
            }
        }

        bool changed = hot.ApplyClosure(closure.Recipient, closure.ClosedAt);
        Observe(closure.ClosedAt);
        return changed;
    }

    /// <summary>
    /// Writer: puts back a state read from durable storage into the hot index only (the records
    /// already hold it). Any order, any repetition: the Core rules are maxima.
    /// </summary>
    public void Restore(in ConsentKey key, ConsentState state)
    {
        var hot = Index;
        // This version stands if its state is not older: the durable log holds a key's versions in the order they won,
        // so a later one with the same state beat the earlier by its evidence. Its rule, if any, follows (RestoreRetailers).
        if (hot.Retailers.Count > 0 && state >= hot.StateOf(key))
        {
            hot.Retailers.Set(key, null);
        }

        hot.Apply(key, state);
        Advance(state.ModifiedAt);
    }

    /// <summary>Writer, after <see cref="Restore(in ConsentKey, ConsentState)"/> of the same version: its retailer rule, if that version stands.</summary>
    public void RestoreRetailers(in ConsentKey key, ConsentState state, RetailerRule rule)
    {
        var hot = Index;
        if (state >= hot.StateOf(key))
        {
            hot.Retailers.Set(key, rule);
        }
    }

    /// <summary>Writer: puts back a line closure read from durable storage into the hot index only.</summary>
    public void Restore(RecipientKey recipient, ConsentTime closedAt)
    {
        Index.ApplyClosure(recipient, closedAt);
        Advance(closedAt);
    }

    /// <summary>Writer: carries the newest change time over from a snapshot.</summary>
    public void Restore(ConsentTime newestChange) => Advance(newestChange);

    /// <summary>
    /// Writer, at recovery, before the feed applies anything: serves <paramref name="loaded"/> (an
    /// index snapshot) instead of the index built at start. The one it replaces is left to its
    /// finalizer rather than disposed: a reader may still hold it, and it is empty (its memory
    /// was reserved, never touched).
    /// </summary>
    public void Replace(ConsentIndex loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        Volatile.Write(ref _index, loaded);
    }

    public void Dispose()
    {
        Index.Dispose();
        (records as IDisposable)?.Dispose();
    }

    private void Observe(ConsentTime time)
    {
        Interlocked.Increment(ref _applied);
        Advance(time);
    }

    private void Advance(ConsentTime time)
    {
        if (time.Seconds > _newestChange)
        {
            Volatile.Write(ref _newestChange, time.Seconds);
        }
    }
}
