using System.Buffers;
using System.Text.Json;
using SendGate.Core.Domain;

namespace SendGate.Audit;

/// <summary>The decision log's line format (one JSON object per record; fields in docs/operations.md).</summary>
public static class DecisionJson
{
    public static void Write(IBufferWriter<byte> output, DecisionRecord record)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("time", record.Time.UtcDateTime);
        json.WriteString("method", record.Method);
        json.WriteString("client", record.Client);
        json.WriteString("request_id", record.RequestId);
        json.WriteNumber("iys_code", record.IysCode);
        json.WriteNumber("brand_code", record.BrandCode);
        json.WriteString("channel", record.Channel.Name());
        json.WriteString("recipient_type", record.RecipientType.Name());
        json.WriteString("kind", record.Kind.Name());
        json.WriteNumber("recipients", record.Recipients);
        int allowed = 0;
        json.WriteStartObject("reasons");
        foreach (var (reason, count) in record.Counts.NonZero())
        {
            json.WriteNumber(reason.Name(), count);
            allowed += reason.IsAllowed() ? count : 0;
        }

        json.WriteEndObject();
        json.WriteNumber("allowed", allowed);
        json.WriteStartObject("watermark");
        json.WriteNumber("version", record.Watermark.Version);
        json.WriteString("positions", record.Watermark.Positions);
        WriteTime(json, "fresh_as_of", record.Watermark.FreshAsOf);
        WriteTime(json, "newest_change", record.Watermark.NewestChange);
        json.WriteEndObject();
        json.WriteString("keys_sha256", Convert.ToHexStringLower(record.KeysDigest));
        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            json.WriteString(name, t.UtcDateTime);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
