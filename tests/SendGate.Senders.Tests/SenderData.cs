using SendGate.Tests.Support;

namespace SendGate.Senders.Tests;

/// <summary>The consents the adapter tests ask about: brand 123457 of provider 123456, e-mail and SMS.</summary>
internal static class SenderData
{
    public const uint Iys = 123456;
    public const uint Brand = Consents.Brand;

    public const string ConsentedMail = "consented@example.com";
    public const string RefusedMail = "refused@example.com";
    public const string UnknownMail = "nobody@example.com";

    /// <summary>In Consents.File: an ONAY, a RET, and no record.</summary>
    public const string ConsentedPhone = "905321234567";
    public const string RefusedPhone = "905321234568";
    public const string UnknownPhone = "905329999999";

    /// <summary>Consents.File's good lines (its two bad ones would fail a publish) and three e-mail records.</summary>
    public static readonly string File = string.Join('\n', Consents.File.Split('\n').Where(line => line.StartsWith('{') && !line.Contains("\"FAX\"", StringComparison.Ordinal))) + "\n" + """
        {"iysCode":123456,"brandCode":123457,"type":"EPOSTA","recipientType":"BIREYSEL","recipient":"consented@example.com","status":"ONAY","source":"HS_WEB","consentDate":"2024-03-01 10:00:00","creationDate":"2024-03-01 10:00:05","transactionId":"tx-mail-onay"}
        {"iysCode":123456,"brandCode":123457,"type":"EPOSTA","recipientType":"BIREYSEL","recipient":"refused@example.com","status":"ONAY","source":"HS_WEB","consentDate":"2024-03-01 10:00:00","creationDate":"2024-03-01 10:00:05","transactionId":"tx-mail-onay-2"}
        {"iysCode":123456,"brandCode":123457,"type":"EPOSTA","recipientType":"BIREYSEL","recipient":"refused@example.com","status":"RET","source":"IYS_WEB","consentDate":"2024-05-01 10:00:00","creationDate":"2024-05-01 10:00:05","transactionId":"tx-mail-ret"}

        """;
}
