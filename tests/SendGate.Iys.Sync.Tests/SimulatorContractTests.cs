using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SendGate.IysSimulator;

namespace SendGate.Iys.Sync.Tests;

/// <summary>
/// The simulated İYS against İYS's OpenAPI document, over raw HTTP: its shapes, status codes and error codes, so
/// that the simulator stays İYS's picture and does not drift into our connector's expectations. Each case names the
/// document's operation it checks.
/// </summary>
public sealed class SimulatorContractTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero)); // a Wednesday
    private readonly HttpClient _http = new();
    private IysSimulatorServer _iys = null!;

    public async Task InitializeAsync() => _iys = await IysSimulatorServer.StartAsync(new SimulatorSettings(), _clock);

    public async Task DisposeAsync()
    {
        await _iys.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task CreateToken2_TakesJsonOrForm_AnswersOAuthErrors_AndRefusesThe11thRequestOfAnHourWithH084()
    {
        using var json = await _http.PostAsJsonAsync(Url("oauth2/token"), new { grant_type = "password", username = "sendgate", password = "sendgate-password" });
        using var form = await _http.PostAsync(Url("oauth2/token"), new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password", ["username"] = "sendgate", ["password"] = "sendgate-password" }));
        using var wrong = await _http.PostAsJsonAsync(Url("oauth2/token"), new { grant_type = "password", username = "sendgate", password = "wrong" });

        using (var token = await Json(json))
        {
            Assert.Equal((7200, 14400, "bearer"), (token.RootElement.GetProperty("expires_in").GetInt32(), token.RootElement.GetProperty("refresh_expires_in").GetInt32(), token.RootElement.GetProperty("token_type").GetString()));
        }

        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        using (var error = await Json(wrong))
        {
            Assert.Equal("invalid_request", error.RootElement.GetProperty("error").GetString());
            Assert.True(error.RootElement.TryGetProperty("error_description", out _));
        }

        for (int i = 3; i < 10; i++)
        {
            (await _http.PostAsJsonAsync(Url("oauth2/token"), new { grant_type = "password", username = "sendgate", password = "sendgate-password" })).Dispose();
        }

        using var eleventh = await _http.PostAsJsonAsync(Url("oauth2/token"), new { grant_type = "password", username = "sendgate", password = "sendgate-password" });
        Assert.Equal(HttpStatusCode.TooManyRequests, eleventh.StatusCode);
        Assert.Contains("H084", await eleventh.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        _clock.Advance(TimeSpan.FromMinutes(59));
        using var tooSoon = await _http.PostAsJsonAsync(Url("oauth2/token"), new { grant_type = "password", username = "sendgate", password = "sendgate-password" });
        Assert.Equal(HttpStatusCode.TooManyRequests, tooSoon.StatusCode); // asking again within the hour starts it again
    }

    [Fact]
    public async Task PullPerBrandCode_Answers204WhenEmpty_RefusesLimitAndSourceWith422_AndPagesWithSecondsAndTransactionId()
    {
        string token = await TokenAsync();
        using var empty = await Get("sps/123456/brands/123457/consents/changes?source=HS", token);
        using var tooMany = await Get("sps/123456/brands/123457/consents/changes?source=HS&limit=1001", token);
        using var badSource = await Get("sps/123456/brands/123457/consents/changes?source=SH", token);
        using var noToken = await Get("sps/123456/brands/123457/consents/changes", null);
        using var otherBrand = await Get("sps/123456/brands/999999/consents/changes", token);

        Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "H507", "limit"), await Fault(tooMany));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "H506", "source"), await Fault(badSource));
        Assert.Equal((HttpStatusCode.Unauthorized, "H351", null), await Fault(noToken));
        Assert.Contains("\"code:\":\"H353\"", await otherBrand.Content.ReadAsStringAsync(), StringComparison.Ordinal); // as the document's example spells it

        var at = _clock.GetUtcNow() - TimeSpan.FromHours(2);
        var first = _iys.Registry.Seed(123457, new ConsentWrite("MESAJ", "+905321110001", "BIREYSEL", "ONAY", SimulatedChange.IysTime(at), "IYS_WEB"), at, "Ayşe Yılmaz");
        _iys.Registry.Seed(123457, new ConsentWrite("MESAJ", "+905321110002", "BIREYSEL", "ONAY", SimulatedChange.IysTime(at), "IYS_WEB"), at);
        _iys.Registry.Seed(123457, new ConsentWrite("MESAJ", "+905321110003", "BIREYSEL", "ONAY", SimulatedChange.IysTime(at), "IYS_WEB"), _clock.GetUtcNow() - TimeSpan.FromMinutes(30)); // within the withheld hour
        using var page = await Json(await Get("sps/123456/brands/123457/consents/changes?limit=1", token)); // source defaults to IYS
        string after = page.RootElement.GetProperty("after").GetString()!;
        Assert.Equal($"{first.CreatedAt.ToUnixTimeSeconds()}_{first.TransactionId}", after);
        Assert.Equal("Ayşe Yılmaz", page.RootElement.GetProperty("list")[0].GetProperty("citizenName").GetString());
        using var next = await Json(await Get("sps/123456/brands/123457/consents/changes?limit=1000&after=" + after, token));
        Assert.Equal(["+905321110002"], next.RootElement.GetProperty("list").EnumerateArray().Select(item => item.GetProperty("recipient").GetString()));
    }

    [Fact]
    public async Task AddBatchConsent_ValidatesTheListWhole_ThenSearchRequestDetailsIsEmptyFor300s_ThenAnArrayOfItems()
    {
        string token = await TokenAsync();
        string date = SimulatedChange.IysTime(_clock.GetUtcNow() - TimeSpan.FromHours(1));
        object Consent(string recipient, string status, string type = "MESAJ") => new { type, source = "HS_WEB", recipient, status, consentDate = date, recipientType = "BIREYSEL" };

        using var invalid = await Post("sps/123456/brands/123457/consents/request", token, new[] { Consent("+905321110001", "ONAY"), Consent("ornek@example.com", "ONAY", "EPOSTAA") });
        using var repeated = await Post("sps/123456/brands/123457/consents/request", token, new[] { Consent("+905321110001", "ONAY"), Consent("+905321110001", "RET") });
        using var accepted = await Post("sps/123456/brands/123457/consents/request", token, new[] { Consent("+905321110001", "ONAY"), Consent("+905321110002", "RET") });

        using (var error = await Json(invalid))
        {
            var item = error.RootElement.GetProperty("errors")[0];
            Assert.Equal((HttpStatusCode.UnprocessableEntity, "H117", 1, "type", "EPOSTAA"),
                (invalid.StatusCode, item.GetProperty("code").GetString(), item.GetProperty("index").GetInt32(), item.GetProperty("location")[0].GetString(), item.GetProperty("value").GetString()));
        }

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "H194", null), await Fault(repeated));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        string requestId;
        using (var answer = await Json(accepted))
        {
            requestId = answer.RootElement.GetProperty("requestId").GetString()!;
            Assert.Equal(2, answer.RootElement.GetProperty("subRequests").GetArrayLength());
        }

        _clock.Advance(TimeSpan.FromSeconds(299));
        using var early = await Json(await Get($"sps/123456/brands/123457/consents/request/{requestId}", token));
        _clock.Advance(TimeSpan.FromSeconds(2));
        using var answered = await Json(await Get($"sps/123456/brands/123457/consents/request/{requestId}", token));
        using var tooLong = await Get($"sps/123456/brands/123457/consents/request/{new string('a', 37)}", token);

        Assert.Equal(JsonValueKind.Array, early.RootElement.ValueKind);
        Assert.Equal(0, early.RootElement.GetArrayLength());
        var items = answered.RootElement.EnumerateArray().ToList();
        Assert.Equal(("success", "failure"), (items[0].GetProperty("status").GetString(), items[1].GetProperty("status").GetString()));
        Assert.True(items[0].TryGetProperty("transactionId", out _) && items[0].TryGetProperty("creationDate", out _));
        Assert.Equal("H175", items[1].GetProperty("error").GetProperty("code").GetString()); // the first record of an address cannot be RET
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "H198", "requestId"), await Fault(tooLong));
    }

    private Uri Url(string path) => new(_iys.BaseUrl, path);

    private async Task<string> TokenAsync()
    {
        using var response = await _http.PostAsJsonAsync(Url("oauth2/token"), new { grant_type = "password", username = "sendgate", password = "sendgate-password" });
        using var token = await Json(response);
        return token.RootElement.GetProperty("access_token").GetString()!;
    }

    private Task<HttpResponseMessage> Get(string path, string? token) => Send(new HttpRequestMessage(HttpMethod.Get, Url(path)), token);

    private Task<HttpResponseMessage> Post(string path, string token, object body) => Send(new HttpRequestMessage(HttpMethod.Post, Url(path)) { Content = JsonContent.Create(body) }, token);

    private Task<HttpResponseMessage> Send(HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return _http.SendAsync(request);
    }

    private static async Task<JsonDocument> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync());

    private static async Task<(HttpStatusCode Status, string? Code, string? Location)> Fault(HttpResponseMessage response)
    {
        using var body = await Json(response);
        var error = body.RootElement.GetProperty("errors")[0];
        return (response.StatusCode, error.GetProperty("code").GetString(),
            error.TryGetProperty("location", out var location) ? location[0].GetString() : null);
    }
}
