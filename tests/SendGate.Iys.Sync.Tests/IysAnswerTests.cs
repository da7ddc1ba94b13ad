using System.Net;
using System.Security.Cryptography;
using System.Text;
using SendGate.Iys.Sync.Api;
using SendGate.Iys.Sync.Reconciliation;

namespace SendGate.Iys.Sync.Tests;

/// <summary>
/// İYS's answers read as its OpenAPI document writes them — the document's own examples, its loose spots (codes as
/// numbers, a key spelled "code:", integer codes written as strings, a schema's misspelt field) — and anything else
/// refused as an unexpected answer, never taken as a result.
/// </summary>
public sealed class IysAnswerTests
{
    [Theory]
    [InlineData("""{"errors":[{"code":"H124","message":"Saniyede kabul edilen istek limitine ulaşıldı."}]}""", "H124", null)]
    [InlineData("""{"errors":[{"code:":"H353","message":"brandCode, kullanıcı izinleriyle eşleştiriliemiyor"}]}""", "H353", null)] // the document's 403 example
    [InlineData("""{"errors":{"code":48,"location":["consentDate"],"value":"2020-13-01 25:00:00","message":"hatalı tarih formatı."}}""", "48", "consentDate")] // a 422 schema: one object, a numeric code
    [InlineData("""{"errors":[{"index":0,"code":"H180","location":["retailerAccess",0],"value":73064462,"message":"bayi bulunamadı"}]}""", "H180", "item 0 retailerAccess[0]")]
    [InlineData("""{"error":"invalid_request","error_description":"Kullanıcı kimlik bilgileri geçersiz."}""", "invalid_request", null)] // the token endpoint
    public void IysError_ReadsEveryShapeTheDocumentUses(string body, string code, string? location)
    {
        var error = IysError.Parse(Encoding.UTF8.GetBytes(body));

        Assert.Equal(code, error.Code);
        Assert.Equal(location, error.Location);
        Assert.NotEmpty(error.Message);
    }

    [Fact]
    public void IysError_ShowsWhereAndWhatİysRefused_WithAddressesMasked()
    {
        var error = IysError.Parse("""{"errors":[{"index":0,"location":["recipient"],"value":"ornek@adiniz.com.tr","code":"H120","message":"Alıcı (recipient) kabul edilemedi."},{"index":1,"code":"H114","message":"x"}]}"""u8);

        string said = error.Describe(HttpStatusCode.UnprocessableEntity);

        Assert.StartsWith("HTTP 422 H120 at item 0 recipient (value '", said, StringComparison.Ordinal);
        Assert.EndsWith("(and 1 more errors)", said, StringComparison.Ordinal);
        Assert.DoesNotContain("ornek@adiniz.com.tr", said, StringComparison.Ordinal);
    }

    [Fact]
    public void IysError_OfAProxysPage_IsItsTextShortened()
    {
        var error = IysError.Parse(Encoding.UTF8.GetBytes("<html>" + new string('x', 500) + "</html>"));

        Assert.Null(error.Code);
        Assert.Equal(200, error.Message.Length);
    }

    [Fact]
    public void BulkStatus_TheDocumentsExample_IsReadItemByItem()
    {
        // İYS's own example of searchRequestDetails: a top-level array, lower-case statuses, one 'error' object, both spellings of subRequestId.
        var items = BulkWriteStatus.Parse("""
            [{"subRequestId":"cf15b6bf","index":0,"status":"failure","error":{"code":"H175","message":"İlk izin kayıt işlemlerinde RET durum (status) bilgisi içeren izinler kaydedilmez."}},
             {"requestId":"548014a0","subRequestId":"2666eb07","index":1,"transactionId":"432cc155","status":"success","creationDate":"2020-08-21 14:45:24"},
             {"index":2,"status":"enqueue","subrequestId":"7ed0f89d"}]
            """u8.ToArray());

        Assert.Equal(
            [
                new BulkItemStatus(0, BulkItemState.Failed, "cf15b6bf", null, null, "H175", "İlk izin kayıt işlemlerinde RET durum (status) bilgisi içeren izinler kaydedilmez."),
                new BulkItemStatus(1, BulkItemState.Succeeded, "2666eb07", "432cc155", "2020-08-21 14:45:24", null, null),
                new BulkItemStatus(2, BulkItemState.Enqueued, "7ed0f89d", null, null, null, null),
            ],
            items);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    public void BulkStatus_Empty_MeansNotYet_NeverFailed(string body) => Assert.Empty(BulkWriteStatus.Parse(Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData("""{"requestId":"x","status":"COMPLETED","list":[{"index":0,"status":"SUCCESS","transactionId":"t"}]}""", "expected a JSON array")] // what the connector once expected
    [InlineData("""[{"index":0,"status":"DONE"}]""", "not success, failure or enqueue")]
    [InlineData("""[{"status":"success"}]""", "no numeric 'index'")]
    [InlineData("""<html>maintenance</html>""", "not JSON")]
    public void BulkStatus_OfAnotherShape_IsAnUnexpectedAnswer(string body, string why)
    {
        var error = Assert.Throws<IysUnexpectedAnswerException>(() => BulkWriteStatus.Parse(Encoding.UTF8.GetBytes(body)));

        Assert.Equal("searchRequestDetails", error.Operation);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"agreementCaptured":true}""")]
    [InlineData("""{"aggrementCaptured":true}""")] // as the document's schema spells it
    public void AgreementCaptured_IsReadInEitherSpelling(string body) => Assert.True(ReconciliationAnswers.Captured(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void ChangeSummary_TheDocumentsExample_IsReadPerTypeAndSource()
    {
        var lines = ReconciliationAnswers.Summary("""{"changeStats":[{"type":"ARAMA","consents":[{"source":"HS","approval":10,"rejection":1,"pending":0,"total":11}]},{"type":"MESAJ","consents":[{"source":"HS","approval":38,"rejection":2,"pending":1,"total":41}]}]}"""u8.ToArray());

        Assert.Equal([new ChangeStat("ARAMA", "HS", 10, 1, 0, 11), new ChangeStat("MESAJ", "HS", 38, 2, 1, 41)], lines);
    }

    [Fact]
    public void AuthorizedBrands_WithCodesWrittenAsStrings_AsTheDocumentsExampleHasThem_AreRead()
    {
        var (brands, total) = AuthorizedBrands.Page("""
            {"pagination":{"offset":0,"totalCount":4,"pageSize":2},"list":[
             {"brandCode":"12345609","name":"XXX AŞ","master":true,"iysCode":"123458","agreementControl":true,"MESAJ":"write","ARAMA":"write","EPOSTA":"write","viaControl":false},
             {"brandCode":12345670,"name":"ABC","iysCode":1234567}]}
            """u8.ToArray());

        Assert.Equal(4, total);
        Assert.Equal((123458u, 12345609u, true), (brands[0].IysCode, brands[0].BrandCode, brands[0].CanRead));
        Assert.Equal((1234567u, 12345670u, false), (brands[1].IysCode, brands[1].BrandCode, brands[1].CanRead)); // no rights listed: not pulled
    }

    [Fact]
    public void DayCounts_CountEveryItemByİysDayTypeAndStatus_OnlyNumbersKept()
    {
        ReadOnlyMemory<byte>[] items =
        [
            """{"creationDate":"2026-12-01 23:59:59","type":"MESAJ","status":"ONAY","recipient":"+905321234567","citizenName":"Ayşe"}"""u8.ToArray(),
            """{"creationDate":"2026-12-02 00:00:00","type":"MESAJ","recipientType":"TACIR","status":"RET"}"""u8.ToArray(),
            """{"creationDate":"2026-12-01 10:00:00","type":"MESAJ","status":"ONAY","recipient":"+1 555"}"""u8.ToArray(), // the gate cannot use it; İYS counts it
            """{"type":"MESAJ","status":"ONAY"}"""u8.ToArray(), // no creationDate: no day to count it in
        ];

        var days = DayCounts.Add(null, items);
        days = DayCounts.Add(days, items[..1]);

        Assert.Equal(3, days["2026-12-01"]["MESAJ BIREYSEL ONAY"]);
        Assert.Equal(1, days["2026-12-02"]["MESAJ TACIR RET"]);
        Assert.Equal(2, days.Count);
    }

    [Fact]
    public void FileHash_IsSha384InLowercaseHex_ByTheMethodİysNames()
    {
        byte[] file = "creationDate,transactionId\n"u8.ToArray();

        Assert.Equal(("SHA-384", Convert.ToHexStringLower(SHA384.HashData(file))), OfficialCheck.Hash("SHA-384", null, file));
        Assert.Equal(("SHA-256", Convert.ToHexStringLower(SHA256.HashData(file))), OfficialCheck.Hash(null, new string('a', 64), file)); // no method: by the hash's length
        Assert.Null(OfficialCheck.Hash("MD5", null, file));
    }
}
