using System.Buffers.Text;
using System.Text.Json;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Iys;

/// <summary>One line of an İYS JSON Lines file, decoded but not yet validated.</summary>
internal readonly record struct IysLine(bool IsClosure, ConsentChangeInput Consent, RecipientInput ClosureRecipient, ConsentTime ClosedAt);

/// <summary>
/// İYS consent records as JSON Lines, with İYS's own field names:
/// <code>
/// {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"+905321234567",
///  "status":"ONAY","source":"HS_WEB","consentDate":"2024-03-01 10:00:00","creationDate":"2024-03-01 10:00:05",
///  "transactionId":"…","retailerCode":66438915,"retailerAccess":[66438915,71007289]}
/// {"recipient":"+905321234567","lineClosedDate":"2024-05-01 00:00:00"}
/// </code>
/// <c>creationDate</c> is the change's modification time; times are İYS's "YYYY-MM-DD HH:mm:ss"
/// in GMT+3. A line with <c>lineClosedDate</c> is a line closure. <c>recipientKey</c> (32 hex
/// digits) may stand instead of <c>recipient</c>. Retailer codes are JSON integers as İYS writes them (a decimal string
/// is accepted too, as older files of ours have them). Unknown fields are ignored; unknown sources are kept.
/// Error messages name the field, never the recipient.
/// </summary>
internal static class IysJsonLine
{
    /// <summary>
    /// Parses one line; an unescaped recipient is normalized and hashed from its bytes with <paramref name="hasher"/>,
    /// no string made. <paramref name="iysCode"/> and <paramref name="brandCode"/> stand when the line has none
    /// (PULL items carry neither; 0 leaves them missing).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, RecipientHasher hasher, uint iysCode, uint brandCode, out IysLine line, out string error)
    {
        line = default;
        var consent = new ConsentChangeInput { RecipientType = RecipientType.Bireysel, IysCode = iysCode, BrandCode = brandCode };
        string? recipient = null;
        Range? recipientBytes = null;
        byte[]? recipientKey = null;
        var closedAt = ConsentTime.None;
        bool closure = false;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "not a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = FieldOf(ref reader);
                reader.Read();
                switch (field)
                {
                    case Field.IysCode:
                        consent = consent with { IysCode = ReadCode(ref reader, "iysCode") };
                        break;
                    case Field.BrandCode:
                        consent = consent with { BrandCode = ReadCode(ref reader, "brandCode") };
                        break;
                    case Field.Type:
                        consent = consent with { Channel = ReadChannel(ref reader) };
                        break;
                    case Field.RecipientType:
                        consent = consent with { RecipientType = ReadRecipientType(ref reader) };
                        break;
                    case Field.Status:
                        consent = consent with { Status = ReadStatus(ref reader) };
                        break;
                    case Field.Recipient:
                        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                        {
                            int start = checked((int)reader.TokenStartIndex) + 1; // after the opening quote
                            recipientBytes = start..(start + reader.ValueSpan.Length);
                        }
                        else
                        {
                            recipient = reader.GetString();
                        }

                        break;
                    case Field.RecipientKey:
                        recipientKey = Convert.FromHexString(reader.GetString() ?? string.Empty);
                        break;
                    case Field.Source:
                        consent = consent with { Source = ReadSource(ref reader) };
                        break;
                    case Field.ConsentDate:
                        consent = consent with { ConsentDate = ReadTime(ref reader, "consentDate") };
                        break;
                    case Field.CreationDate:
                        consent = consent with { ModifiedAt = ReadTime(ref reader, "creationDate") };
                        break;
                    case Field.TransactionId:
                        consent = consent with { TransactionId = ReadText(ref reader) };
                        break;
                    case Field.RetailerCode:
                        consent = consent with { RetailerCode = ReadText(ref reader) };
                        break;
                    case Field.RetailerAccess:
                        consent = consent with { RetailerAccess = ReadStrings(ref reader) };
                        break;
                    case Field.LineClosedDate:
                        closure = true;
                        closedAt = ReadTime(ref reader, "lineClosedDate");
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                error = "malformed JSON";
                return false;
            }
        }
        catch (JsonException)
        {
            error = "malformed JSON";
            return false;
        }
        catch (FormatException exception)
        {
            error = exception.Message;
            return false;
        }
        catch (InvalidOperationException)
        {
            error = "a field has the wrong JSON type";
            return false;
        }

        // A closure's number is normalized as a phone line (any callable range), a consent's for its channel.
        var recipientInput = recipientBytes is { } bytes
            ? RecipientInput.FromAddress(json[bytes], closure ? Channel.Arama : consent.Channel, hasher)
            : new RecipientInput(recipient, default, false, 0);
        if (recipientKey is not null)
        {
            recipientInput = recipientInput.HasAddress ? recipientInput.WithKey(recipientKey, 0) : RecipientInput.FromKey(recipientKey, 0);
        }
        line = new IysLine(closure, consent with { Recipient = recipientInput }, recipientInput, closedAt);
        error = string.Empty;
        return true;
    }

    private enum Field
    {
        Unknown,
        IysCode,
        BrandCode,
        Type,
        RecipientType,
        Recipient,
        RecipientKey,
        Status,
        Source,
        ConsentDate,
        CreationDate,
        TransactionId,
        RetailerCode,
        RetailerAccess,
        LineClosedDate,
    }

    // Names compared as UTF-8 in place: a 10^7-line file allocates no string per field name or enum value.
    private static Field FieldOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("recipient"u8) ? Field.Recipient :
        reader.ValueTextEquals("brandCode"u8) ? Field.BrandCode :
        reader.ValueTextEquals("iysCode"u8) ? Field.IysCode :
        reader.ValueTextEquals("type"u8) ? Field.Type :
        reader.ValueTextEquals("recipientType"u8) ? Field.RecipientType :
        reader.ValueTextEquals("status"u8) ? Field.Status :
        reader.ValueTextEquals("consentDate"u8) ? Field.ConsentDate :
        reader.ValueTextEquals("creationDate"u8) ? Field.CreationDate :
        reader.ValueTextEquals("source"u8) ? Field.Source :
        reader.ValueTextEquals("transactionId"u8) ? Field.TransactionId :
        reader.ValueTextEquals("retailerCode"u8) ? Field.RetailerCode :
        reader.ValueTextEquals("retailerAccess"u8) ? Field.RetailerAccess :
        reader.ValueTextEquals("lineClosedDate"u8) ? Field.LineClosedDate :
        reader.ValueTextEquals("recipientKey"u8) ? Field.RecipientKey :
        Field.Unknown;

    private static Channel ReadChannel(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("MESAJ"u8) ? Channel.Mesaj :
        reader.ValueTextEquals("ARAMA"u8) ? Channel.Arama :
        reader.ValueTextEquals("EPOSTA"u8) ? Channel.Eposta :
        throw new FormatException("type is not MESAJ, ARAMA or EPOSTA");

    private static RecipientType ReadRecipientType(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Null ? RecipientType.Bireysel :
        reader.ValueTextEquals("BIREYSEL"u8) ? RecipientType.Bireysel :
        reader.ValueTextEquals("TACIR"u8) ? RecipientType.Tacir :
        throw new FormatException("recipientType is not BIREYSEL or TACIR");

    private static ConsentStatus ReadStatus(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("ONAY"u8) ? ConsentStatus.Onay :
        reader.ValueTextEquals("RET"u8) ? ConsentStatus.Ret :
        throw new FormatException("status is not ONAY or RET");

    private static string? ReadSource(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped ? ConsentSource.FromUtf8(reader.ValueSpan) : reader.GetString();

    private static string? ReadText(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number ? System.Text.Encoding.UTF8.GetString(reader.ValueSpan) : reader.GetString();

    private static uint ReadCode(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt32(out uint number))
        {
            return number;
        }

        if (reader.TokenType == JsonTokenType.String && Utf8Parser.TryParse(reader.ValueSpan, out uint parsed, out int consumed) && consumed == reader.ValueSpan.Length)
        {
            return parsed;
        }

        throw new FormatException($"{field} is not a number");
    }

    private static ConsentTime ReadTime(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return ConsentTime.None;
        }

        Span<char> text = stackalloc char[32];
        int length = reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= text.Length ? reader.CopyString(text) : 0;
        return length > 0 && ConsentTime.TryParseIys(text[..length], out var time)
            ? time
            : throw new FormatException($"{field} is not YYYY-MM-DD HH:mm:ss");
    }

    // A list of retailer codes: İYS's integers, or decimal strings; a single value stands for a list of one.
    private static string[] ReadStrings(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return [ReadText(ref reader) ?? string.Empty];
        }

        var values = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(ReadText(ref reader) ?? string.Empty);
        }

        return [.. values];
    }
}
