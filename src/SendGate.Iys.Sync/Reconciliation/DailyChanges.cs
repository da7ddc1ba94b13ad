using System.Text;
using SendGate.Core.Consent;

namespace SendGate.Iys.Sync.Reconciliation;

/// <summary>
/// A brand's daily change file reduced to what reconciliation compares: each tuple's newest change of that day
/// (by creationDate; a later row wins a tie), hashed as the gate hashes. Rows the gate could not use are counted
/// with their reason, never kept.
/// </summary>
public sealed class DailyChanges
{
    private DailyChanges(IReadOnlyDictionary<ConsentKey, ConsentChange> newest, int rows, IReadOnlyDictionary<string, int> rejected)
    {
        Newest = newest;
        Rows = rows;
        Rejected = rejected;
    }

    public IReadOnlyDictionary<ConsentKey, ConsentChange> Newest { get; }

    public int Rows { get; }

    /// <summary>Rows refused, by reason (the reason names the field, never the recipient).</summary>
    public IReadOnlyDictionary<string, int> Rejected { get; }

    /// <exception cref="FormatException">The file is not an İYS change CSV (its header says why).</exception>
    public static DailyChanges Parse(byte[] csv, FeedEventFactory factory, uint iysCode, uint brand)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var lines = Encoding.UTF8.GetString(csv).Split('\n');
        var format = IysCsvLine.FromHeader(Encoding.UTF8.GetBytes(lines[0]), iysCode, brand, out string headerError)
            ?? throw new FormatException($"brand {brand}'s change file: {headerError}");
        var decoder = new IysLineDecoder(factory, format);
        var newest = new Dictionary<ConsentKey, ConsentChange>();
        var rejected = new Dictionary<string, int>(StringComparer.Ordinal);
        int rows = 0;
        foreach (string line in lines.Skip(1).Where(line => line.Trim().Length > 0))
        {
            rows++;
            var decoded = decoder.Decode(Encoding.UTF8.GetBytes(line));
            if (decoded.Change is not { } change)
            {
                string reason = decoded.Rejection ?? "not a consent change";
                rejected[reason] = rejected.GetValueOrDefault(reason) + 1;
                continue;
            }

            if (!newest.TryGetValue(change.Key, out var kept) || change.Record.State.ModifiedAt >= kept.Record.State.ModifiedAt)
            {
                newest[change.Key] = change;
            }
        }

        return new DailyChanges(newest, rows, rejected);
    }
}
