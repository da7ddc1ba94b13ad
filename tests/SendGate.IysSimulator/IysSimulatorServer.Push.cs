using System.Text.Json;
using System.Text.Json.Nodes;

namespace SendGate.IysSimulator;

/// <summary>pushRegistration, getPushRegistration and pushUnregistration: İYS's push of citizens' changes, per brand and type.</summary>
public sealed partial class IysSimulatorServer
{
    private static readonly string[] PushTypes = ["ARAMA", "MESAJ", "EPOSTA"];

    private void MapPush(RouteGroupBuilder brand)
    {
        brand.MapPost("/push/registration", Register).WithName("pushRegistration");
        brand.MapGet("/push/registration", (uint brandCode) => Results.Json(new JsonArray([.. _push.Of(brandCode).Select(connection => (JsonNode)new JsonObject
        {
            ["url"] = connection.Url, ["type"] = connection.Type, ["registerTime"] = SimulatedChange.IysTime(connection.RegisteredAt), ["status"] = "Bağlantı Oluşturuldu",
        })]))).WithName("getPushRegistration");
        brand.MapPost("/push/unregistration", Unregister).WithName("pushUnregistration");
    }

    private async Task<IResult> Register(HttpContext context, uint brandCode)
    {
        var body = await ReadObject(context);
        var connection = body?["connection"] is JsonArray { Count: > 0 } list ? list[0] as JsonObject : null;
        if (connection is null)
        {
            return IysErrors.Errors(400, "H014", "Gönderilen istek JSON formatına uygun olmalıdır.");
        }

        if (ConnectionFault(connection) is { } fault)
        {
            return IysErrors.Errors(422, fault);
        }

        var record = new PushConnectionRecord(brandCode, Text(connection, "url")!, Text(connection, "type")!, Text(connection, "username")!, Text(connection, "password")!, _clock.GetUtcNow());
        return await _push.RegisterAsync(record, context.RequestAborted) is { } refused
            ? IysErrors.Errors(422, refused)
            : Results.Json(new JsonObject { ["message"] = "Bağlantı oluşturuldu" });
    }

    private async Task<IResult> Unregister(HttpContext context, uint brandCode)
    {
        var body = await ReadObject(context);
        if (body is null)
        {
            return IysErrors.Errors(400, "H014", "Gönderilen istek JSON formatına uygun olmalıdır.");
        }

        if (ConnectionFault(body) is { } fault)
        {
            return IysErrors.Errors(422, fault);
        }

        return _push.Unregister(brandCode, Text(body, "url"), Text(body, "type"), Text(body, "username"), Text(body, "password"))
            ? Results.Json(new JsonObject { ["message"] = "Bağlantı Kaldırıldı" })
            : IysErrors.Errors(422, "H530", "Bağlantı kaldırılamadı.");
    }

    // The document's checks of a connection, in its order: an https URL (H531), a type (H111, H117), credentials (H093).
    private static IysFault? ConnectionFault(JsonObject connection)
    {
        string? url = Text(connection, "url"), type = Text(connection, "type");
        if (url is null || !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            return new IysFault("H531", "Bağlantı linki (url) https ile başlamalıdır.", ["url"]);
        }

        if (type is null)
        {
            return new IysFault("H111", "İzin tipi (type) bulunamadı.", ["type"]);
        }

        if (!PushTypes.Contains(type))
        {
            return new IysFault("H117", "İzin tipi (type) için uygun değerler: ARAMA, MESAJ, EPOSTA", ["type"], type);
        }

        return string.IsNullOrEmpty(Text(connection, "username")) ? new IysFault("H093", "Kullanıcı adı (username) bulunamadı.", ["username"])
            : string.IsNullOrEmpty(Text(connection, "password")) ? new IysFault("H093", "Şifre (password) bulunamadı.", ["password"])
            : null;
    }

    private static async Task<JsonObject?> ReadObject(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject item, string name) => item[name] is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}
