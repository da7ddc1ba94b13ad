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
            if (ItemFields.Read(item, Kept) is { } fields)
            {
                foreach (var (name, value) in fields)
                {
                    json.WriteString(name, value);
                }
            }
            else
            {
                json.WriteString("error", "the item is not well-formed JSON");
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
