using SendGate.Core.Consent;

namespace SendGate.Index.Records;

/// <summary>
/// The full consent records (source, transaction id, retailer…) that only Explain needs: kept
/// apart from the hot index so that the serving path never touches them. One writer (the feed)
/// applies records by the Core rule; readers may read concurrently.
/// </summary>
public interface IConsentRecordStore
{
    /// <summary>Records held (0 when the store keeps none).</summary>
    long Count { get; }

    /// <summary>Writer: keeps the record that stands by <see cref="ConsentRecord.Newest"/>.</summary>
    void Apply(in ConsentKey key, ConsentRecord record);

    ConsentRecord? Find(in ConsentKey key);
}

/// <summary>Keeps no records: Explain then reports what the hot index holds (status and dates) without the evidence.</summary>
public sealed class NoConsentRecordStore : IConsentRecordStore
{
    public long Count => 0;

    public void Apply(in ConsentKey key, ConsentRecord record)
    {
    }

    public ConsentRecord? Find(in ConsentKey key) => null;
}
