using System.Collections.Concurrent;
using SendGate.Core.Consent;

namespace SendGate.Index.Records;

/// <summary>
/// Records in a concurrent dictionary, for the embedded default and tests (roughly 200 bytes a
/// record: fine at 10^7, not at 10^9 — the durable store holds them at that scale). İYS sources
/// are a handful of values, so they are interned.
/// </summary>
public sealed class InMemoryConsentRecordStore : IConsentRecordStore
{
    private readonly ConcurrentDictionary<ConsentKey, ConsentRecord> _records = new();
    private readonly ConcurrentDictionary<string, string> _sources = new(StringComparer.Ordinal);

    public long Count => _records.Count;

    public void Apply(in ConsentKey key, ConsentRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        record = record with { Source = _sources.GetOrAdd(record.Source, record.Source) };
        _records.AddOrUpdate(key, static (_, incoming) => incoming, static (_, current, incoming) => ConsentRecord.Newest(current, incoming), record);
    }

    public ConsentRecord? Find(in ConsentKey key) => _records.GetValueOrDefault(key);
}
