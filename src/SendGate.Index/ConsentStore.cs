using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Index.Records;

namespace SendGate.Index;

/// <summary>
/// Everything the gate knows about consents: the hot index (read by every check) and the full
/// records (read by Explain), changed together by one writer — the feed — through
/// <see cref="Apply(ConsentChange)"/> and <see cref="Apply(LineClosure)"/>.
/// </summary>
public sealed class ConsentStore(ConsentIndex index, IConsentRecordStore records) : IDisposable
{
    private uint _newestChange;
    private long _applied;

    public ConsentIndex Index => index;

    public IConsentRecordStore Records => records;

    /// <summary>The newest modification (or closure) time among the changes applied.</summary>
    public ConsentTime NewestChange => new(Volatile.Read(ref _newestChange));

    /// <summary>Changes handed to <see cref="Apply(ConsentChange)"/> and <see cref="Apply(LineClosure)"/>, duplicates included.</summary>
    public long Applied => Volatile.Read(ref _applied);

    /// <summary>Writer: applies a consent change by the Core rule. True when the hot state changed.</summary>
    public bool Apply(ConsentChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        bool changed = index.Apply(change.Key, change.Record.State);
        records.Apply(change.Key, change.Record);
        Observe(change.Record.ModifiedAt);
        return changed;
    }

    /// <summary>Writer: applies a line closure. True when it changed the recipient's closure time.</summary>
    public bool Apply(LineClosure closure)
    {
        bool changed = index.ApplyClosure(closure.Recipient, closure.ClosedAt);
        Observe(closure.ClosedAt);
        return changed;
    }

    /// <summary>Writer: carries the newest change time over from a snapshot.</summary>
    public void Restore(ConsentTime newestChange)
    {
        if (newestChange.Seconds > _newestChange)
        {
            Volatile.Write(ref _newestChange, newestChange.Seconds);
        }
    }

    public void Dispose() => index.Dispose();

    private void Observe(ConsentTime time)
    {
        Interlocked.Increment(ref _applied);
        if (time.Seconds > _newestChange)
        {
            Volatile.Write(ref _newestChange, time.Seconds);
        }
    }
}
