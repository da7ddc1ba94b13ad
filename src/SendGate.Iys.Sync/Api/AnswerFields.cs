using System.Globalization;
using System.Text.Json;

namespace SendGate.Iys.Sync.Api;

/// <summary>
/// Reading İYS's answers field by field, as loosely as its document is written: a code or a number may come as a JSON
/// number or as a decimal string (the document's schemas say integer where its examples show strings), a missing or
/// null field is null. Every answer parser uses these, so each tolerance is written once.
/// </summary>
internal static class AnswerFields
{
    public static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A string, or a number's digits as written.</summary>
    public static string? Scalar(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    /// <summary>A non-negative whole number written as a JSON number or a decimal string.</summary>
    public static long? Number(JsonElement item, string name) =>
        long.TryParse(Scalar(item, name), NumberStyles.None, CultureInfo.InvariantCulture, out long number) ? number : null;

    /// <summary>An İYS code (iysCode, brandCode): a positive number that fits 32 bits.</summary>
    public static uint? Code(JsonElement item, string name) => Number(item, name) is > 0 and <= uint.MaxValue and var number ? (uint)number : null;

    public static bool? Flag(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out bool flag) => flag,
            _ => null,
        } : null;

    /// <summary>The body as a JSON document whose root is of <paramref name="kind"/>; otherwise the operation's unexpected answer.</summary>
    public static JsonDocument Document(byte[] body, JsonValueKind kind, string operation, string what)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new IysUnexpectedAnswerException(operation, $"İYS's answer {what} is not JSON");
        }

        if (document.RootElement.ValueKind != kind)
        {
            var actual = document.RootElement.ValueKind;
            document.Dispose();
            throw new IysUnexpectedAnswerException(operation, $"İYS's answer {what} is not the documented shape: expected a JSON {Name(kind)}, got a JSON {Name(actual)}");
        }

        return document;
    }

    private static string Name(JsonValueKind kind) => kind.ToString().ToLowerInvariant();
}
