using System.Globalization;
using SendGate.Core.Domain;

namespace SendGate.Synthetic;

/// <summary>
/// Synthetic İYS JSON Lines, the same for the same arguments. Per recipient (80% mobile numbers,
/// written in the forms people use; 20% e-mail addresses) and brand, a record with probability ½ —
/// SMS (and sometimes voice) for phones, e-mail for addresses; 90% BIREYSEL; 80% ONAY. One in
/// ten gets a later change of status, written before the change it supersedes one time in ten
/// (feeds are not ordered). Line closures optional; the README's documented cases optional.
/// </summary>
public static class ConsentFileGenerator
{
    private static readonly string[] Sources = ["HS_WEB", "HS_MOBIL", "HS_CAGRI_MERKEZI", "HS_FIZIKSEL_ORTAM", "HS_ISLAK_IMZA", "HS_EPOSTA", "HS_MESAJ", "IYS_WEB", "IYS_MOBIL"];
    private static readonly DateTimeOffset First = new(2016, 1, 1, 0, 0, 0, TimeSpan.FromHours(3));
    private const int Span = 9 * 365 * 24 * 3600;

    /// <summary>Writes the file; <paramref name="progress"/>, when given, hears the recipients written so far every 4,096.</summary>
    public static (long Lines, long Records, long Closures) Generate(TextWriter writer, int brandCount, long recipientCount, int seed, long closureCount, bool examples, CancellationToken cancellationToken, IProgress<long>? progress = null)
    {
        var random = new Random(seed);
        long records = 0;
        long lines = 0;
        if (examples)
        {
            foreach (string line in Examples)
            {
                writer.WriteLine(line);
                lines++;
                records += line.Contains("lineClosedDate", StringComparison.Ordinal) ? 0 : 1;
            }
        }

        for (long i = 0; i < recipientCount; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if ((i & 4095) == 0)
            {
                progress?.Report(i);
            }

            bool phone = random.NextDouble() < 0.8;
            string recipient = phone ? SyntheticRecipients.WrittenPhone(i, random) : SyntheticRecipients.Email(i, random);
            for (int b = 0; b < brandCount; b++)
            {
                if (random.NextDouble() >= 0.5)
                {
                    continue;
                }

                var channel = phone ? (random.NextDouble() < 0.3 ? Channel.Arama : Channel.Mesaj) : Channel.Eposta;
                string type = random.NextDouble() < 0.9 ? "BIREYSEL" : "TACIR";
                var consent = First.AddSeconds(random.Next(Span));
                string status = random.NextDouble() < 0.8 ? "ONAY" : "RET";
                string first = Record(123457 + b, channel, type, recipient, status, consent, consent.AddSeconds(random.Next(1, 600)), random);
                if (random.NextDouble() < 0.1)
                {
                    // A later change of status: sometimes delivered before the change it supersedes.
                    var later = consent.AddSeconds(random.Next(60, 3600 * 24 * 365));
                    string second = Record(123457 + b, channel, type, recipient, status == "ONAY" ? "RET" : "ONAY", later, later.AddSeconds(random.Next(1, 600)), random);
                    bool reversed = random.NextDouble() < 0.1;
                    writer.WriteLine(reversed ? second : first);
                    writer.WriteLine(reversed ? first : second);
                    lines += 2;
                    records += 2;
                }
                else
                {
                    writer.WriteLine(first);
                    lines++;
                    records++;
                }
            }
        }

        for (long k = 0; k < closureCount; k++)
        {
            long who = random.NextInt64(Math.Max(recipientCount, 1));
            var closed = First.AddSeconds(random.Next(Span));
            writer.WriteLine($$"""{"recipient":"+90{{SyntheticRecipients.National(who)}}","lineClosedDate":"{{Iys(closed)}}"}""");
            lines++;
        }

        return (lines, records, closureCount);
    }

    private static string Record(int brand, Channel channel, string type, string recipient, string status, DateTimeOffset consent, DateTimeOffset modified, Random random) =>
        $$"""{"iysCode":123456,"brandCode":{{brand}},"type":"{{channel.Name()}}","recipientType":"{{type}}","recipient":"{{recipient}}","status":"{{status}}","source":"{{Sources[random.Next(Sources.Length)]}}","consentDate":"{{Iys(consent)}}","creationDate":"{{Iys(modified)}}","transactionId":"{{random.NextInt64():x16}}"}""";

    private static string Iys(DateTimeOffset time) => time.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>The README's examples (brand 123457, provider 123456): one per reason a record can give.</summary>
    private static readonly string[] Examples =
    [
        """{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"+905321234567","status":"ONAY","source":"HS_WEB","consentDate":"2024-03-01 10:00:00","creationDate":"2024-03-01 10:00:05","transactionId":"example-onay"}""",
        """{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"+905321234568","status":"RET","source":"IYS_MOBIL","consentDate":"2024-04-10 09:30:00","creationDate":"2024-04-10 09:30:02","transactionId":"example-ret"}""",
        """{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"+905321234569","status":"ONAY","source":"HS_FIZIKSEL_ORTAM","consentDate":"2023-01-10 12:00:00","creationDate":"2023-01-10 12:00:09","transactionId":"example-closed"}""",
        """{"recipient":"+905321234569","lineClosedDate":"2024-05-01 00:00:00"}""",
        """{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"TACIR","recipient":"+905321234560","status":"ONAY","source":"HS_ISLAK_IMZA","consentDate":"2024-02-02 14:00:00","creationDate":"2024-02-02 14:00:03","transactionId":"example-tacir"}""",
        """{"iysCode":123456,"brandCode":123457,"type":"EPOSTA","recipientType":"BIREYSEL","recipient":"ali.veli@example.com","status":"ONAY","source":"HS_WEB","consentDate":"2024-01-15 08:00:00","creationDate":"2024-01-15 08:00:01","transactionId":"example-eposta"}""",
        """{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"+905321234561","status":"RET","source":"IYS_WEB","consentDate":"2024-06-01 10:00:00","creationDate":"2024-06-01 10:00:04","transactionId":"example-withdrawn"}""",
        """{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"+905321234561","status":"ONAY","source":"HS_WEB","consentDate":"2023-06-01 10:00:00","creationDate":"2023-06-01 10:00:04","transactionId":"example-given"}""",
        """{"recipient":"+905321234562","lineClosedDate":"2023-01-01 00:00:00"}""",
        """{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"+905321234562","status":"ONAY","source":"HS_MOBIL","consentDate":"2024-06-01 09:00:00","creationDate":"2024-06-01 09:00:02","transactionId":"example-new-owner"}""",
    ];
}
