using System.Collections.Concurrent;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Index.Records;

/// <summary>
/// Records in a concurrent dictionary, for the embedded default and tests (roughly 200 bytes a
/// record: fine at 10^7, not at 10^9 — the durable store holds them at that scale). İYS sources
/// are a handful of values, so they are interned. Sized at start for the tuples expected, up to
/// <see cref="MaxPresized"/>: a dictionary of millions that grows rehashes them all under its locks
/// while the feed's one writer waits; beyond that, what it would hold is the durable store's to hold.
/// </summary>
public sealed class InMemoryConsentRecordStore(long expectedRecords = 0) : IConsentRecordStore
{
    /// <summary>The largest start-up size (a 128 MiB bucket array): growth beyond it is rare enough to pay for.</summary>
    public const int MaxPresized = 1 << 24;

    private readonly ConcurrentDictionary<ConsentKey, ConsentRecord> _records = new(Environment.ProcessorCount, (int)Math.Clamp(expectedRecords, 31, MaxPresized));
    private readonly ConcurrentDictionary<RecipientKey, ConsentTime> _closures = new();
    private readonly ConcurrentDictionary<string, string> _sources = new(StringComparer.Ordinal);

    public long Count => _records.Count;

    public bool KeepsRecords => true;

    public void Apply(in ConsentKey key, ConsentRecord record, ConsentState current)
    {
        ArgumentNullException.ThrowIfNull(record);
        record = record with { Source = _sources.GetOrAdd(record.Source, record.Source) };
        _records.AddOrUpdate(key, static (_, incoming) => incoming, static (_, current, incoming) => ConsentRecord.Newest(current, incoming), record);
    }

    public void ApplyClosure(RecipientKey recipient, ConsentTime closedAt, ConsentTime current) =>
        _closures.AddOrUpdate(recipient, static (_, incoming) => incoming, static (_, stored, incoming) => LineClosureRule.Newest(stored, incoming), closedAt);

    public ConsentRecord? Find(in ConsentKey key) => _records.GetValueOrDefault(key);

    public bool Visit(IConsentStateVisitor visitor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        foreach (var (key, record) in _records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            visitor.Consent(key, record.State);
            if (record.Retailers is { } rule)
            {
                visitor.Retailers(key, record.State, rule);
            }
        }

        foreach (var (recipient, closedAt) in _closures)
        {
            visitor.Closure(recipient, closedAt);
        }

        return true;
    }
}
