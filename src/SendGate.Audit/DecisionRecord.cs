using SendGate.Core.Domain;

namespace SendGate.Audit;

/// <summary>
/// What the gate answered to one call, without any recipient: who asked, for what, how many
/// recipients, how many got each reason, the data it relied on (watermark), and a SHA-256 over
/// the recipients' 16-byte keys in request order, so that a list can later be shown to be the one
/// checked (docs/operations.md says how to recompute it).
/// </summary>
public sealed record DecisionRecord(
    DateTimeOffset Time,
    string Method,
    string Client,
    string RequestId,
    uint IysCode,
    uint BrandCode,
    Channel Channel,
    RecipientType RecipientType,
    MessageKind Kind,
    int Recipients,
    ReasonCounts Counts,
    AuditWatermark Watermark,
    byte[] KeysDigest);

/// <summary>Recipients per reason; only reasons that occurred are written.</summary>
public sealed class ReasonCounts
{
    private readonly int[] _counts = new int[ReasonRules.MaxValue + 1];

    public int this[Reason reason] => _counts[(int)reason];

    public static ReasonCounts From(ReadOnlySpan<int> counts)
    {
        var copy = new ReasonCounts();
        counts[..Math.Min(counts.Length, copy._counts.Length)].CopyTo(copy._counts);
        return copy;
    }

    public static ReasonCounts One(Reason reason)
    {
        var counts = new ReasonCounts();
        counts._counts[(int)reason] = 1;
        return counts;
    }

    public IEnumerable<(Reason Reason, int Count)> NonZero()
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] != 0)
            {
                yield return ((Reason)i, _counts[i]);
            }
        }
    }
}

/// <summary>The state an answer reflected: index version, feed positions ("topic/partition@offset", comma-separated), freshness.</summary>
public sealed record AuditWatermark(long Version, string Positions, DateTimeOffset? FreshAsOf, DateTimeOffset? NewestChange);
