namespace SendGate.Tests.Support;

/// <summary>A consent file with one case per row of DOMAIN.md's decision table (brand 123457, provider 123456), and two bad lines.</summary>
public static class Consents
{
    public const uint Brand = 123457;

    public const string File = """
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"+905321234567","status":"ONAY","source":"HS_WEB","consentDate":"2024-03-01 10:00:00","creationDate":"2024-03-01 10:00:05","transactionId":"tx-onay","retailerCode":"7","retailerAccess":["7","8"]}
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"05321234568","status":"RET","source":"IYS_MOBIL","consentDate":"2024-04-10 09:30:00","creationDate":"2024-04-10 09:30:02","transactionId":"tx-ret"}
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"+90 532 123 45 69","status":"ONAY","source":"HS_FIZIKSEL_ORTAM","consentDate":"2023-01-10 12:00:00","creationDate":"2023-01-10 12:00:09","transactionId":"tx-closed"}
        {"recipient":"+905321234569","lineClosedDate":"2024-05-01 00:00:00"}
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"TACIR","recipient":"5321234560","status":"ONAY","source":"HS_ISLAK_IMZA","consentDate":"2024-02-02 14:00:00","creationDate":"2024-02-02 14:00:03","transactionId":"tx-tacir"}
        {"iysCode":123456,"brandCode":123457,"type":"EPOSTA","recipientType":"BIREYSEL","recipient":"Ali.Veli@Example.com","status":"ONAY","source":"HS_SOMETHING_NEW","consentDate":"2024-01-15 08:00:00","creationDate":"2024-01-15 08:00:01","transactionId":"tx-eposta"}
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"05321234561","status":"RET","source":"IYS_WEB","consentDate":"2024-06-01 10:00:00","creationDate":"2024-06-01 10:00:04","transactionId":"tx-withdrawn"}
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"05321234561","status":"ONAY","source":"HS_WEB","consentDate":"2023-06-01 10:00:00","creationDate":"2023-06-01 10:00:04","transactionId":"tx-given"}
        {"recipient":"05321234562","lineClosedDate":"2023-01-01 00:00:00"}
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"05321234562","status":"ONAY","source":"HS_MOBIL","consentDate":"2024-06-01 09:00:00","creationDate":"2024-06-01 09:00:02","transactionId":"tx-new-owner"}
        this line is not json
        {"iysCode":123456,"brandCode":123457,"type":"FAX","recipient":"05321234563","status":"ONAY","consentDate":"2024-01-01 00:00:00","creationDate":"2024-01-01 00:00:00"}

        """;

    public const int Lines = 12;
}
