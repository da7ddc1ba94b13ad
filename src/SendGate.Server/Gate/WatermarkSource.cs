using Google.Protobuf;
using SendGate.Audit;
using SendGate.Contracts;
using SendGate.Contracts.V1;
using SendGate.Feed.Status;
using SendGate.Index;

namespace SendGate.Server.Gate;

/// <summary>
/// The watermark every answer carries: the index version, the feed positions, the newest change
/// applied, and when the feed last confirmed it was current. Read before an answer is computed,
/// so it is a lower bound of the state the answer reflects. Serialized once per change and
/// shared, not per request; while changes stream in, it is rebuilt at most every few milliseconds.
/// </summary>
internal sealed class WatermarkSource(ConsentStore store, FeedStatus status, TimeProvider clock)
{
    private static readonly TimeSpan MinRebuildInterval = TimeSpan.FromMilliseconds(5);
    private Snapshot? _current;

    public Snapshot Current
    {
        get
        {
            var progress = status.Current;
            long version = store.Index.Version;
            var cached = Volatile.Read(ref _current);
            if (cached is not null && ReferenceEquals(cached.Progress, progress) &&
                (cached.Version == version || clock.GetUtcNow() - cached.Built < MinRebuildInterval))
            {
                return cached;
            }

            var watermark = new Watermark
            {
                Version = (ulong)version,
                NewestChangeTime = store.NewestChange.ToTimestamp(),
                FreshAsOf = progress.FreshAsOf is { } fresh ? Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(fresh) : null,
            };
            watermark.Positions.AddRange(progress.Positions.Select(p => new Contracts.V1.FeedPosition { Topic = p.Topic, Partition = p.Partition, Offset = p.Offset }));
            var audit = new AuditWatermark(
                version,
                string.Join(",", progress.Positions.Select(p => $"{p.Topic}/{p.Partition}@{p.Offset}")),
                progress.FreshAsOf,
                store.NewestChange.IsNone ? null : store.NewestChange.ToDateTimeOffset());
            var snapshot = new Snapshot(version, progress, watermark, watermark.ToByteArray(), audit, clock.GetUtcNow());
            Volatile.Write(ref _current, snapshot);
            return snapshot;
        }
    }

    // Audit: the same watermark as the decision log writes it.
    internal sealed record Snapshot(long Version, FeedProgress Progress, Watermark Message, byte[] Bytes, AuditWatermark Audit, DateTimeOffset Built);
}
