using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Tests.Support;

/// <summary>
/// The reference the durable-state tests compare against: the Core rules folded over the input
/// in the simplest way (two dictionaries), plus a seeded generator of hostile input — few keys,
/// so updates, duplicates, ties on equal states and closures are frequent, in any order.
/// </summary>
public sealed class ConsentModel
{
    public Dictionary<ConsentKey, ConsentRecord> Records { get; } = [];

    public Dictionary<RecipientKey, ConsentTime> Closures { get; } = [];

    public void Apply(object change)
    {
        switch (change)
        {
            case ConsentChange consent:
                Records[consent.Key] = ConsentRecord.Newest(Records.GetValueOrDefault(consent.Key), consent.Record);
                break;
            case LineClosure closure:
                Closures[closure.Recipient] = LineClosureRule.Newest(Closures.GetValueOrDefault(closure.Recipient), closure.ClosedAt);
                break;
            default:
                throw new ArgumentException($"not a change: {change}", nameof(change));
        }
    }

    public StateDigest Digest()
    {
        var digest = new StateDigest();
        foreach (var (key, record) in Records)
        {
            digest.Consent(key, record.State);
        }

        foreach (var (recipient, closedAt) in Closures)
        {
            digest.Closure(recipient, closedAt);
        }

        return digest;
    }

    /// <summary><paramref name="count"/> changes (about 1 in 20 a line closure) over <paramref name="recipients"/> recipients of one brand.</summary>
    public static IEnumerable<object> RandomChanges(int seed, int count, int recipients, uint brand = 123457)
    {
        var random = new Random(seed);
        var pool = Enumerable.Range(0, recipients).Select(_ => new RecipientKey((ulong)random.NextInt64(), (ulong)random.NextInt64())).ToArray();
        uint start = ConsentTime.EarliestValid.Seconds + 86_400;
        for (int i = 0; i < count; i++)
        {
            var recipient = pool[random.Next(pool.Length)];
            // A narrow window of times: equal modification times (RET wins, then evidence decides) happen often.
            var modified = new ConsentTime(start + (uint)random.Next(5_000));
            if (random.Next(20) == 0)
            {
                yield return new LineClosure(recipient, modified);
                continue;
            }

            var type = random.Next(4) == 0 ? RecipientType.Tacir : RecipientType.Bireysel;
            var key = new ConsentKey(brand, random.Next(2) == 0 ? Channel.Mesaj : Channel.Eposta, type, recipient);
            // İYS lets a merchant's record go without consent date and source: half the TACIR records do.
            bool undated = type == RecipientType.Tacir && random.Next(2) == 0;
            var consentDate = undated ? ConsentTime.None : new ConsentTime(modified.Seconds - (uint)random.Next(1_000));
            var status = random.Next(3) == 0 ? ConsentStatus.Ret : ConsentStatus.Onay;
            yield return new ConsentChange(key, new ConsentRecord
            {
                State = ConsentState.Create(status, consentDate, modified),
                IysCode = 123456,
                Source = undated ? string.Empty : random.Next(2) == 0 ? "HS_WEB" : "IYS_MOBIL",
                TransactionId = "tx-" + random.Next(3),
                // İYS's retailer codes are positive integers.
                RetailerCode = random.Next(4) == 0 ? (1 + random.Next(10)).ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty,
                RetailerAccess = random.Next(4) == 0 ? ["1", (1 + random.Next(10)).ToString(System.Globalization.CultureInfo.InvariantCulture)] : [],
            });
        }
    }
}
