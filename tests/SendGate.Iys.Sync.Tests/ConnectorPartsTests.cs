using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SendGate.Iys.Sync.Api;

namespace SendGate.Iys.Sync.Tests;

/// <summary>The connector's small parts on their own: the PULL answer, redaction for dead letters, the cursor file, İYS's error body.</summary>
public sealed class ConnectorPartsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sendgate-cursors-").FullName;

    [Fact]
    public void ChangesPage_KeepsEachItemsBytes_AndTheCursor()
    {
        var page = ChangesPage.Parse(Encoding.UTF8.GetBytes("""{"after":"abc","list":[{"recipient":"+905321234567","nested":{"a":[1,2]}},{"status":"RET"}],"extra":true}"""));

        Assert.Equal("abc", page.After);
        Assert.Equal(2, page.Count);
        Assert.Equal("""{"recipient":"+905321234567","nested":{"a":[1,2]}}""", Encoding.UTF8.GetString(page.Item(0)));
        Assert.Equal("""{"status":"RET"}""", Encoding.UTF8.GetString(page.Item(1)));
    }

    [Theory]
    [InlineData("""{"list":[{"status":"ONAY"}]}""", "no 'after'")]
    [InlineData("""{"after":"x"}""", "no 'list'")]
    [InlineData("""{"after":"x","list":{}}""", "not an array")]
    [InlineData("""{"after":"x","list":[{"status":""", "well-formed")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"after":"x","list":[{"a":1},2]}""", "not a JSON object")]
    public void ChangesPage_ThatIsNotAPullAnswer_IsRefusedWithWhy(string body, string why)
    {
        var error = Assert.Throws<IysUnexpectedAnswerException>(() => ChangesPage.Parse(Encoding.UTF8.GetBytes(body)));
        Assert.Equal("PullPerBrandCode", error.Operation);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redaction_KeepsWhatIdentifiesTheChange_NeverTheRecipientOrACitizensName()
    {
        byte[] redacted = PageRedaction.Redact("""{"consentDate":"2026-11-30 10:00:00","recipient":"+905321234567","citizenName":"Ayşe Yılmaz","status":"RET","transactionId":"t-1","list":[1]}"""u8);

        Assert.Equal("""{"consentDate":"2026-11-30 10:00:00","status":"RET","transactionId":"t-1"}""", Encoding.UTF8.GetString(redacted));
    }

    [Fact]
    public void CursorStore_RoundTrips_AndAnUnreadableCursorStartsOverWithASentence()
    {
        var store = new CursorStore(_directory);
        Assert.Equal(SyncCursor.Start(7, "HS"), store.Load(7, "HS", out string? none));
        Assert.Null(none);

        var cursor = new SyncCursor(7, "HS", "opaque", DateTimeOffset.UnixEpoch.AddDays(20000), DateTimeOffset.UnixEpoch.AddDays(20001), 42);
        store.Save(cursor);
        Assert.Equal(cursor, store.Load(7, "HS", out _));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));

        File.WriteAllText(store.PathOf(7, "IYS"), "{ not json");
        Assert.Equal(SyncCursor.Start(7, "IYS"), store.Load(7, "IYS", out string? problem));
        Assert.Contains("is not a cursor", problem, StringComparison.Ordinal);
        File.Copy(store.PathOf(7, "HS"), store.PathOf(8, "HS"));
        Assert.Equal(SyncCursor.Start(8, "HS"), store.Load(8, "HS", out problem));
        Assert.Contains("another brand or source", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(429, "H124", typeof(IysTransientException))]
    [InlineData(429, "H084", typeof(IysTokenLimitException))]
    [InlineData(503, "H192", typeof(IysTransientException))]
    [InlineData(400, "H123", typeof(IysTransientException))] // "busy, try again later", though a 400
    [InlineData(400, "H175", typeof(IysRefusedException))]
    [InlineData(403, null, typeof(IysRefusedException))]
    public async Task IysError_SortsTransientFromOurs_AndMasksAnAddressİysQuotes(int status, string? code, Type expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = new StringContent($$"""{"status":{{status}},"errors":[{"code":{{(code is null ? "null" : $"\"{code}\"")}},"message":"alıcı +905321234567 / a@b.com.tr reddedildi"}]}"""),
        };

        var error = IysError.Parse(await response.Content.ReadAsByteArrayAsync());
        var exception = error.ToException(response, "pulling brand 7 source HS", new FakeTimeProvider());

        Assert.IsType(expected, exception);
        Assert.Equal(code, exception.Code);
        Assert.Contains($"HTTP {status}", exception.Message, StringComparison.Ordinal);
        Assert.Contains("when pulling brand 7 source HS", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("5321234567", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a@b.com.tr", exception.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
