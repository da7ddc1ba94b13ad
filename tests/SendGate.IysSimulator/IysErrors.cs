using System.Text.Json.Nodes;

namespace SendGate.IysSimulator;

/// <summary>
/// One error of İYS's: its code (the document's H-codes), message, and for validation errors the field it points at
/// (<c>location</c>), the value refused and the item's index in a list.
/// </summary>
public sealed record IysFault(string? Code, string Message, string[]? Location = null, JsonNode? Value = null, int? Index = null);

/// <summary>
/// Error answers in the shapes İYS's OpenAPI document gives (docs/iys.md, "Errors"): most are
/// <c>{"errors":[{"code","message"}]}</c>, validation errors (422) add <c>index</c>, <c>location</c> and <c>value</c>;
/// the token endpoint answers OAuth's <c>{"error","error_description"}</c>; and some of the document's 403 examples
/// spell the code's key <c>"code:"</c> — reproduced where the document shows it, since a client must read it.
/// </summary>
internal static class IysErrors
{
    public static IResult Errors(int status, params IysFault[] faults) => Results.Json(new JsonObject { ["errors"] = Array(faults, typo: false) }, statusCode: status);

    public static IResult Errors(int status, string? code, string message) => Errors(status, new IysFault(code, message));

    /// <summary>A 403 H353 as the document's examples for bulk writes and their status write it: the key spelled <c>"code:"</c>.</summary>
    public static IResult NotMatched(string field) =>
        Results.Json(new JsonObject { ["errors"] = Array([new IysFault("H353", $"{field}, kullanıcı izinleriyle eşleştiriliemiyor")], typo: true) }, statusCode: 403);

    public static IResult OAuth(int status, string error, string description) =>
        Results.Json(new JsonObject { ["error"] = error, ["error_description"] = description }, statusCode: status);

    public static IResult MissingToken() => Errors(401, "H351", "Eksik veya geçersiz jeton!");

    public static IResult RateLimited() => Errors(429, "H124", "Saniyede kabul edilen istek limitine ulaşıldı. Lütfen daha sonra tekrar deneyiniz.");

    public static IResult Unexpected() => Errors(500, "H015", "Beklenmedik bir hata oluştu.");

    public static IResult TimedOut() => Errors(503, "H192", "İstek zaman aşımına uğradı.");

    public static IResult BadDate(string value) => Errors(422, new IysFault("H501", "Tarih formatı yyyy-aa-gg şeklinde olmalıdır.", ["reportDate"], value));

    public static IResult TooOld(string value) => Errors(422, new IysFault("H502", "reportDate alanı en fazla 7 gün önce olabilir.", ["reportDate"], value));

    private static JsonArray Array(IysFault[] faults, bool typo)
    {
        var array = new JsonArray();
        foreach (var fault in faults)
        {
            var item = new JsonObject { [typo ? "code:" : "code"] = fault.Code, ["message"] = fault.Message };
            if (fault.Index is { } index)
            {
                item["index"] = index;
            }

            if (fault.Location is { } location)
            {
                item["location"] = new JsonArray([.. location.Select(part => (JsonNode?)JsonValue.Create(part))]);
            }

            if (fault.Value is { } value)
            {
                item["value"] = value.DeepClone();
            }

            array.Add(item);
        }

        return array;
    }
}
