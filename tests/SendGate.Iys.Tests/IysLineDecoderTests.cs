using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Core.Recipients;

namespace SendGate.Iys.Tests;

/// <summary>İYS JSON Lines and daily change CSV rows to validated domain changes, one line at a time.</summary>
public sealed class IysLineDecoderTests
{
    private static readonly RecipientHasher Hasher = new(HashingKey.ParseBase64("c2VuZGdhdGUtdGVzdGtleQ=="));
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private static readonly FeedEventFactory Factory = new(Hasher, Clock);

    [Fact]
    public void JsonLine_BecomesTheChangeItSays()
    {
        var decoded = Json("""{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"+905321234567","status":"RET","source":"HS_WEB","consentDate":"2024-03-01 10:00:00","creationDate":"2024-03-01 10:00:05","transactionId":"tx-1","unknownField":[1,2]}""");

        Assert.True(decoded.IsValid, decoded.Rejection);
        var change = decoded.Change!;
        Assert.Equal(new ConsentKey(123457, Channel.Mesaj, RecipientType.Bireysel, Key("+905321234567", Channel.Mesaj)), change.Key);
        Assert.Equal(ConsentStatus.Ret, change.Record.Status);
        Assert.Equal(123456u, change.Record.IysCode);
        Assert.Equal("HS_WEB", change.Record.Source);
        Assert.Equal("tx-1", change.Record.TransactionId);
        Assert.Equal(Time("2024-03-01 10:00:00"), change.Record.ConsentDate);
        Assert.Equal(Time("2024-03-01 10:00:05"), change.Record.ModifiedAt);
    }

    [Theory]
    [InlineData("\"retailerCode\":66438915,\"retailerAccess\":[66438915,71007289]")] // İYS's own: JSON integers
    [InlineData("\"retailerCode\":\"66438915\",\"retailerAccess\":[\"66438915\",\"71007289\"]")] // decimal strings, as older files of ours have them
    public void JsonLine_WithRetailerCodes_AsİysWritesThem_KeepsTheRetailerRule(string retailer)
    {
        var decoded = Json($$"""{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"+905321234567","status":"ONAY","source":"HS_WEB","consentDate":"2024-03-01 10:00:00","creationDate":"2024-03-01 10:00:05",{{retailer}}}""");

        Assert.True(decoded.IsValid, decoded.Rejection);
        Assert.Equal("66438915", decoded.Change!.Record.RetailerCode);
        Assert.Equal(["66438915", "71007289"], decoded.Change.Record.RetailerAccess);
    }

    [Fact]
    public void JsonLine_WithLineClosedDate_IsAClosure()
    {
        var decoded = Json("""{"recipient":"05321234567","lineClosedDate":"2024-05-01 00:00:00"}""");

        Assert.True(decoded.IsValid, decoded.Rejection);
        Assert.Null(decoded.Change);
        Assert.Equal(new LineClosure(Key("+905321234567", Channel.Mesaj), Time("2024-05-01 00:00:00")), decoded.Closure);
    }

    [Theory]
    [InlineData("not json", "JSON")]
    [InlineData("""{"iysCode":123456,"brandCode":123457,"type":"FAX","recipient":"+905321234567","status":"ONAY","consentDate":"2024-03-01 10:00:00","creationDate":"2024-03-01 10:00:05"}""", "type")]
    [InlineData("""{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipient":"+905321234567","status":"ONAY","consentDate":"01.03.2024","creationDate":"2024-03-01 10:00:05"}""", "consentDate")]
    [InlineData("""{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipient":"+905321234567","status":"MAYBE","consentDate":"2024-03-01 10:00:00","creationDate":"2024-03-01 10:00:05"}""", "status")]
    public void MalformedJsonLine_IsRefused_NamingTheFault_NotTheRecipient(string line, string named)
    {
        var decoded = Json(line);

        Assert.False(decoded.IsValid);
        Assert.Contains(named, decoded.Rejection, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("5321234567", decoded.Rejection, StringComparison.Ordinal);
    }

    [Fact]
    public void CsvRow_UnderItsHeader_InAnyColumnOrder_WithQuotesAndSemicolons()
    {
        var csv = IysCsvLine.FromHeader("\uFEFFstatus;recipient;type;consentDate;creationDate;source;transactionId;recipientType"u8, 123456, 123457, out string error);
        Assert.NotNull(csv);
        var decoder = new IysLineDecoder(Factory, csv);

        var decoded = decoder.Decode("ONAY;\"0532 123 45 67\";MESAJ;2024-03-01 10:00:00;2024-03-01 10:00:05;HS_WEB;\"tx;\"\"1\"\"\";TACIR\r"u8);

        Assert.True(decoded.IsValid, decoded.Rejection);
        Assert.Equal(new ConsentKey(123457, Channel.Mesaj, RecipientType.Tacir, Key("+905321234567", Channel.Mesaj)), decoded.Change!.Key);
        Assert.Equal(ConsentStatus.Onay, decoded.Change.Record.Status);
        Assert.Equal("tx;\"1\"", decoded.Change.Record.TransactionId);
        Assert.Empty(error);
    }

    [Fact]
    public void Recipient_HashedFromItsBytes_EqualsTheEscapedFormDecodedAsText()
    {
        const string Plain = """{"iysCode":1,"brandCode":2,"type":"MESAJ","recipient":"+905321234567","status":"ONAY","source":"HS_WEB","consentDate":"2024-03-01 10:00:00","creationDate":"2024-03-01 10:00:05"}""";
        string escaped = Plain.Replace("\"+90", "\"\\u002B90", StringComparison.Ordinal); // the same recipient, written with a JSON escape

        var plain = Json(Plain);
        var fromText = Json(escaped);

        Assert.True(plain.IsValid, plain.Rejection);
        Assert.True(fromText.IsValid, fromText.Rejection);
        Assert.Equal(Key("+905321234567", Channel.Mesaj), plain.Change!.Key.Recipient);
        Assert.Equal(plain.Change.Key, fromText.Change!.Key);
        Assert.Same(plain.Change.Record.Source, Json(Plain).Change!.Record.Source); // a known source is one shared string
    }

    [Fact]
    public void RecipientAndRecipientKeyTogether_AreRefused()
    {
        var decoded = Json("""{"iysCode":1,"brandCode":2,"type":"MESAJ","recipient":"+905321234567","recipientKey":"000102030405060708090a0b0c0d0e0f","status":"ONAY","consentDate":"2024-03-01 10:00:00","creationDate":"2024-03-01 10:00:05"}""");

        Assert.Equal(FeedEventError.BothAddressAndKey.Describe(), decoded.Rejection);
    }

    [Fact]
    public void TacirWithoutConsentDateOrSource_IsAChange_InJsonAndInCsv()
    {
        var json = Json("""{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"TACIR","recipient":"05321234567","status":"ONAY","consentDate":null,"creationDate":"2024-03-01 10:00:05"}""");
        var csv = new IysLineDecoder(Factory, IysCsvLine.FromHeader("creationDate,recipient,recipientType,type,status,consentDate,source"u8, 123456, 123457, out _))
            .Decode("2024-03-01 10:00:05,05321234567,TACIR,MESAJ,ONAY,,"u8);

        foreach (var decoded in new[] { json, csv })
        {
            Assert.True(decoded.IsValid, decoded.Rejection);
            Assert.False(decoded.Change!.Record.State.HasConsentDate);
            Assert.Equal(string.Empty, decoded.Change.Record.Source);
            Assert.Equal(Time("2024-03-01 10:00:05"), decoded.Change.Record.ModifiedAt);
        }

        Assert.Equal(json.Change, csv.Change);
    }

    [Fact]
    public void BireyselWithoutConsentDate_IsRefused_InJsonAndInCsv()
    {
        var json = Json("""{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipient":"05321234567","status":"ONAY","source":"HS_WEB","creationDate":"2024-03-01 10:00:05"}""");
        var csv = new IysLineDecoder(Factory, IysCsvLine.FromHeader("creationDate,recipient,recipientType,type,status,consentDate,source"u8, 123456, 123457, out _))
            .Decode("2024-03-01 10:00:05,05321234567,BIREYSEL,MESAJ,ONAY,,HS_WEB"u8);

        Assert.Equal(FeedEventError.MissingConsentDate.Describe(), json.Rejection);
        Assert.Equal(FeedEventError.MissingConsentDate.Describe(), csv.Rejection);
    }

    [Fact]
    public void CsvHeader_WithoutTheRequiredColumns_IsNotAnIysChangeFile()
    {
        var csv = IysCsvLine.FromHeader("recipient,status,date"u8, 1, 2, out string error);

        Assert.Null(csv);
        Assert.Equal("the CSV header lacks creationDate, type, consentDate", error);
    }

    [Fact]
    public void CsvRow_WithABadDate_IsRefused_NamingTheColumn()
    {
        var decoder = new IysLineDecoder(Factory, IysCsvLine.FromHeader("creationDate,recipient,type,status,consentDate"u8, 1, 2, out _));

        var decoded = decoder.Decode("2024-03-01,05321234567,MESAJ,ONAY,2024-03-01 10:00:00"u8);

        Assert.False(decoded.IsValid);
        Assert.Equal("creationDate is not YYYY-MM-DD HH:mm:ss", decoded.Rejection);
    }

    /// <summary>Whatever a line holds, decoding answers — a change, a closure or an error — and never throws.</summary>
    [Property(MaxTest = 2_000)]
    public bool AnyBytes_DecodeToAnAnswer_NeverAnException(byte[] bytes, bool csv)
    {
        var decoder = csv ? new IysLineDecoder(Factory, IysCsvLine.FromHeader("creationDate,recipient,type,status,consentDate"u8, 1, 2, out _)) : new IysLineDecoder(Factory);
        var decoded = decoder.Decode(bytes ?? []);
        return decoded.IsValid ? decoded.Change is not null ^ decoded.Closure is not null : decoded.Rejection!.Length > 0;
    }

    /// <summary>A well-formed JSON line says what it decodes to, for any status, channel, codes and dates.</summary>
    [Property(MaxTest = 500)]
    public Property WellFormedJsonLine_DecodesToItsFields()
    {
        var lines = from type in Gen.Elements("MESAJ", "ARAMA")
                    from status in Gen.Elements("ONAY", "RET")
                    from brand in Gen.Choose(100_000, 999_999)
                    from days in Gen.Choose(0, 3_000)
                    select (Type: type, Status: status, Brand: brand, Days: days);
        return Prop.ForAll(lines.ToArbitrary(), line =>
            {
                var (type, status, brand, days) = line;
                var channel = type == "MESAJ" ? Channel.Mesaj : Channel.Arama;
                string date = new DateTime(2018, 1, 1).AddDays(days).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
                var decoded = Json($$"""{"iysCode":123456,"brandCode":{{brand}},"type":"{{type}}","recipient":"+905321234567","status":"{{status}}","source":"HS_WEB","consentDate":"{{date}}","creationDate":"{{date}}"}""");
                return decoded.IsValid
                    && decoded.Change!.Key == new ConsentKey((uint)brand, channel, RecipientType.Bireysel, Key("+905321234567", channel))
                    && decoded.Change.Record.Status == (status == "ONAY" ? ConsentStatus.Onay : ConsentStatus.Ret)
                    && decoded.Change.Record.ConsentDate == Time(date);
            });
    }

    private static DecodedEvent Json(string line) => new IysLineDecoder(Factory).Decode(Encoding.UTF8.GetBytes(line));

    private static RecipientKey Key(string phone, Channel channel)
    {
        Assert.Equal(RecipientError.None, Hasher.TryHash(phone.AsSpan(), channel, out var key));
        return key;
    }

    private static ConsentTime Time(string iys)
    {
        Assert.True(ConsentTime.TryParseIys(iys, out var time));
        return time;
    }
}
