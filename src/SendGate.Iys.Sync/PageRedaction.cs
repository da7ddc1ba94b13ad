using System.Text.Json;

namespace SendGate.Iys.Sync;

/// <summary>
/// A PULL item the gate cannot use, made fit for the dead-letter topic: only the fields that identify and describe
/// the change (transactionId, times, type, status, source, recipientType) are kept; the recipient and a citizen's
/// name never leave the connector.
/// </summary>
internal static class PageRedaction
{
    private static readonly string[] Kept = ["transactionId", "creationDate", "consentDate", "type", "status", "source", "recipientType"];

    public static byte[] Redact(ReadOnlySpan<byte> item)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            try
            {
                var reader = new Utf8JsonReader(item);
                reader.Read();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string name = reader.GetString()!;
                    reader.Read();
                    if (Kept.Contains(name) && reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
                    {
                        json.WriteString(name, reader.TokenType == JsonTokenType.String ? reader.GetString() : System.Text.Encoding.UTF8.GetString(reader.ValueSpan));
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            catch (JsonException)
            {
                json.WriteString("error", "the item is not well-formed JSON");
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
