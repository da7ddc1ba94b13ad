using System.Text.Json;

namespace SendGate.Iys.Sync;

/// <summary>
/// The top-level scalar fields of one İYS item (a PULL page's or a push's) that a caller names, read without decoding
/// the rest: a string's value, a number's digits as written. What reads an item for a purpose other than the gate —
/// the day's counts, the receiver's brand check, a dead letter's redaction — reads it here, the same way.
/// </summary>
internal static class ItemFields
{
    /// <summary>The named fields the item has, in its order (absent ones missing); null when the item is not a well-formed JSON object.</summary>
    public static OrderedDictionary<string, string>? Read(ReadOnlySpan<byte> item, params ReadOnlySpan<string> names)
    {
        var fields = new OrderedDictionary<string, string>(names.Length, StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(item);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string? wanted = null;
                foreach (string name in names)
                {
                    if (reader.ValueTextEquals(name))
                    {
                        wanted = name;
                        break;
                    }
                }

                reader.Read();
                if (wanted is not null && reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
                {
                    fields[wanted] = reader.TokenType == JsonTokenType.String ? reader.GetString()! : System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
                }
                else
                {
                    reader.Skip();
                }
            }

            return reader.TokenType == JsonTokenType.EndObject ? fields : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
