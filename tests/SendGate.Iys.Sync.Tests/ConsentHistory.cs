using System.Globalization;
using System.Text;
using System.Text.Json;
using SendGate.IysSimulator;

namespace SendGate.Iys.Sync.Tests;

/// <summary>One change as İYS holds it, with what a citizen-side change may carry (a name, which the connector must drop).</summary>
internal sealed record HistoricChange(uint Brand, ConsentWrite Consent, DateTimeOffset CreatedAt, string TransactionId, string? CitizenName);

/// <summary>
/// A week of İYS changes for some brands: phones (MESAJ, ARAMA) and e-mails (EPOSTA), persons and merchants (some
/// merchants without consentDate and source, as İYS allows), ONAY then sometimes RET then sometimes ONAY again, from
/// the provider (HS_*) and from citizens (IYS_*, with a name). Creation times fall inside PULL's window.
/// </summary>
internal static class ConsentHistory
{
    public const uint IysCode = 123456;

    public static List<HistoricChange> Generate(DateTimeOffset now, int recipients, uint[] brands, int seed)
    {
        var random = new Random(seed);
        var changes = new List<HistoricChange>();
        var start = now - TimeSpan.FromDays(6);
        for (int r = 0; r < recipients; r++)
        {
            bool email = r % 4 == 3;
            string recipient = email ? $"musteri{r}@example.com.tr" : "+90532" + (1_000_000 + r).ToString(CultureInfo.InvariantCulture);
            string type = email ? "EPOSTA" : r % 4 == 2 ? "ARAMA" : "MESAJ";
            bool merchant = r % 5 == 4;
            uint brand = brands[r % brands.Length];
            var at = start + TimeSpan.FromSeconds(random.Next(0, 3 * 24 * 3600));
            string status = "ONAY";
            int count = 1 + random.Next(3);
            for (int c = 0; c < count; c++)
            {
                bool citizen = status == "RET" && random.Next(2) == 0;
                bool undated = merchant && random.Next(2) == 0;
                string? source = undated ? null : citizen ? "IYS_WEB" : "HS_WEB";
                string? consentDate = undated ? null : SimulatedChange.IysTime(at - TimeSpan.FromSeconds(30));
                var consent = new ConsentWrite(type, recipient, merchant ? "TACIR" : "BIREYSEL", status, consentDate, source);
                changes.Add(new HistoricChange(brand, consent, at, $"tx-{r}-{c}", citizen ? "Ayşe Yılmaz" : null));
                at += TimeSpan.FromMinutes(1 + random.Next(600));
                status = status == "ONAY" ? "RET" : "ONAY";
            }
        }

        return changes;
    }

    public static void Seed(IysSimulatorServer iys, IEnumerable<HistoricChange> changes)
    {
        foreach (var change in changes.OrderBy(change => change.CreatedAt))
        {
            iys.Registry.Seed(change.Brand, change.Consent, change.CreatedAt, change.CitizenName, change.TransactionId);
        }
    }

    /// <summary>The same changes as an İYS JSON Lines file (what <c>sendgate publish</c> reads).</summary>
    public static string JsonLines(IEnumerable<HistoricChange> changes)
    {
        var text = new StringBuilder();
        foreach (var change in changes)
        {
            var line = new Dictionary<string, object?>
            {
                ["iysCode"] = IysCode,
                ["brandCode"] = change.Brand,
                ["type"] = change.Consent.Type,
                ["recipientType"] = change.Consent.RecipientType,
                ["recipient"] = change.Consent.Recipient,
                ["status"] = change.Consent.Status,
                ["creationDate"] = SimulatedChange.IysTime(change.CreatedAt),
                ["transactionId"] = change.TransactionId,
            };
            if (change.Consent.ConsentDate is not null)
            {
                line["consentDate"] = change.Consent.ConsentDate;
            }

            if (change.Consent.Source is not null)
            {
                line["source"] = change.Consent.Source;
            }

            text.Append(JsonSerializer.Serialize(line)).Append('\n');
        }

        return text.ToString();
    }
}
