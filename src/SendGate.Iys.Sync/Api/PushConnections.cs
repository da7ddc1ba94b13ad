using System.Text.Json;
using System.Text.Json.Serialization;

namespace SendGate.Iys.Sync.Api;

/// <summary>
/// A connection for İYS's push of citizens' changes (operations pushRegistration, pushUnregistration): the https URL
/// İYS posts to, the type it carries (ARAMA, MESAJ or EPOSTA: one connection per type), and the basic-authentication
/// credentials İYS presents. The password is a secret: never logged, never printed.
/// </summary>
public sealed record PushConnection(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("password")] string Password);

/// <summary>A connection as İYS lists it (operation getPushRegistration): its URL, type, state in İYS's words, and since when.</summary>
public sealed record PushConnectionState(string? Url, string? Type, string? Status, string? RegisterTime);

internal static class PushConnections
{
    /// <summary>The body of a registration: <c>{"connection":[…]}</c>.</summary>
    public static object Registration(PushConnection connection) => new { connection = new[] { connection } };

    /// <summary>İYS's <c>{"message": …}</c> on success, or an empty sentence.</summary>
    public static string Message(byte[] body, string operation)
    {
        if (body.Length == 0)
        {
            return string.Empty;
        }

        using var document = AnswerFields.Document(body, JsonValueKind.Object, operation, "about a push connection");
        return AnswerFields.Text(document.RootElement, "message") ?? string.Empty;
    }

    public static IReadOnlyList<PushConnectionState> List(byte[] body)
    {
        if (body.Length == 0)
        {
            return [];
        }

        using var document = AnswerFields.Document(body, JsonValueKind.Array, "getPushRegistration", "listing push connections");
        return [.. document.RootElement.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.Object).Select(item => new PushConnectionState(
            AnswerFields.Text(item, "url"), AnswerFields.Text(item, "type"), AnswerFields.Text(item, "status"), AnswerFields.Text(item, "registerTime")))];
    }
}
