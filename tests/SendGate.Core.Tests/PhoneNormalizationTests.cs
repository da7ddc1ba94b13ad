using System.Text;
using SendGate.Core.Domain;
using SendGate.Core.Recipients;

namespace SendGate.Core.Tests;

public sealed class PhoneNormalizationTests
{
    [Theory]
    [InlineData("+90 532 123 45 67")]
    [InlineData("+905321234567")]
    [InlineData("+90 (532) 123 45 67")]
    [InlineData("+90-532-123-4567")]
    [InlineData("0532 123 4567")]
    [InlineData("0532 123 45 67")]
    [InlineData("05321234567")]
    [InlineData("0 (532) 123 45 67")]
    [InlineData("0532/123 45 67")]
    [InlineData("5321234567")]
    [InlineData("532.123.45.67")]
    [InlineData("(532) 123-45-67")]
    [InlineData("0090 532 123 45 67")]
    [InlineData("00905321234567")]
    [InlineData("90 532 123 45 67")]
    [InlineData("905321234567")]
    [InlineData("  0532 123 45 67  ")]
    [InlineData("\t05321234567\r\n")]
    public void TryNormalize_WrittenForms_GiveE164(string written)
    {
        Assert.Equal("+905321234567", Normalize(written, Channel.Mesaj));
        Assert.Equal("+905321234567", Normalize(written, Channel.Arama));
    }

    [Theory]
    [InlineData("0212 555 12 34", "+902125551234")]
    [InlineData("(216) 555 12 34", "+902165551234")]
    [InlineData("+90 312 555 12 34", "+903125551234")]
    [InlineData("0488 555 12 34", "+904885551234")]
    [InlineData("0850 123 45 67", "+908501234567")]
    [InlineData("0505 123 45 67", "+905051234567")]
    public void TryNormalize_CallableNumbersOnArama_GiveE164(string written, string expected)
    {
        Assert.Equal(expected, Normalize(written, Channel.Arama));
    }

    [Theory]
    [InlineData("0212 555 12 34")]
    [InlineData("0850 123 45 67")]
    public void TryNormalize_LandlineOnMesaj_IsNotMobile(string written)
    {
        Assert.Equal(RecipientError.NotMobileNumber, Error(written, Channel.Mesaj));
    }

    [Theory]
    [InlineData("0800 123 45 67", Channel.Arama)] // toll-free
    [InlineData("0900 123 45 67", Channel.Arama)] // premium rate
    [InlineData("0213 555 12 34", Channel.Arama)] // unassigned area code
    [InlineData("0800 123 45 67", Channel.Mesaj)]
    [InlineData("1234567890", Channel.Mesaj)]     // national numbers do not start with 1
    [InlineData("+90 123 456 78 90", Channel.Mesaj)]
    public void TryNormalize_OutsideNumberingPlan_IsRefused(string written, Channel channel)
    {
        Assert.Equal(RecipientError.NotInNumberingPlan, Error(written, channel));
    }

    [Theory]
    [InlineData("", RecipientError.Empty)]
    [InlineData("   ", RecipientError.Empty)]
    [InlineData("abc", RecipientError.MalformedPhone)]
    [InlineData("0532 123 456", RecipientError.MalformedPhone)]        // 9 national digits
    [InlineData("532123456", RecipientError.MalformedPhone)]
    [InlineData("53212345678", RecipientError.MalformedPhone)]         // 11 digits, no trunk zero
    [InlineData("05321234567 8", RecipientError.MalformedPhone)]
    [InlineData("+90 532 123 45 678", RecipientError.MalformedPhone)]  // Turkish, one digit too many
    [InlineData("+90 532 123 45", RecipientError.MalformedPhone)]
    [InlineData("5321234567x", RecipientError.MalformedPhone)]
    [InlineData("+90 532 123 45 67 ext 1", RecipientError.MalformedPhone)]
    [InlineData("++905321234567", RecipientError.MalformedPhone)]
    [InlineData("90+5321234567", RecipientError.MalformedPhone)]
    [InlineData("0444 1 444", RecipientError.MalformedPhone)]         // short code
    [InlineData("0000000000", RecipientError.MalformedPhone)]
    [InlineData("1234567890123456", RecipientError.MalformedPhone)]   // beyond E.164's 15 digits
    [InlineData("+44 20 7946 0958", RecipientError.NotTurkishNumber)]
    [InlineData("0044 20 7946 0958", RecipientError.NotTurkishNumber)]
    [InlineData("+1 212 555 1234", RecipientError.NotTurkishNumber)]
    [InlineData("ali@example.com", RecipientError.EmailOnPhoneChannel)]
    public void TryNormalize_Rejects_WithReason(string written, RecipientError expected)
    {
        Assert.Equal(expected, Error(written, Channel.Mesaj));
    }

    [Fact]
    public void TryNormalize_PhoneOnEposta_IsWrongChannel()
    {
        Assert.Equal(RecipientError.PhoneOnEmailChannel, Error("0532 123 45 67", Channel.Eposta));
        Assert.Equal(RecipientError.PhoneOnEmailChannel, Error("0212 555 12 34", Channel.Eposta));
    }

    [Fact]
    public void TryNormalize_UnknownChannel_IsRefused()
    {
        Assert.Equal(RecipientError.UnknownChannel, Error("05321234567", Channel.Unspecified));
        Assert.Equal(RecipientError.UnknownChannel, Error("05321234567", (Channel)9));
    }

    [Fact]
    public void TryNormalize_OverlongInput_IsTooLong()
    {
        Assert.Equal(RecipientError.TooLong, Error(new string(' ', RecipientNormalizer.MaxInputLength) + "05321234567", Channel.Mesaj));
    }

    [Fact]
    public void TryNormalize_EveryMobilePrefix_IsAcceptedOnMesaj()
    {
        for (int area = 500; area <= 599; area++)
        {
            Assert.Equal("+90" + area + "1234567", Normalize("0" + area + "1234567", Channel.Mesaj));
        }
    }

    [Fact]
    public void TryNormalize_AreaCodes_ExactlyTheGeographicPlanIsCallable()
    {
        int callableLandline = 0;
        for (int area = 200; area <= 499; area++)
        {
            if (Error("0" + area + "5551234", Channel.Arama) == RecipientError.None)
            {
                callableLandline++;
            }
        }

        Assert.Equal(TurkishNumberingPlan.GeographicAreaCodeCount, callableLandline);
        Assert.Equal(82, callableLandline);
    }

    internal static string? Normalize(string written, Channel channel)
    {
        Span<byte> buffer = stackalloc byte[RecipientNormalizer.MaxNormalizedLength];
        var error = RecipientNormalizer.TryNormalize(Encoding.UTF8.GetBytes(written), channel, buffer, out int length);
        Assert.Equal(RecipientError.None, error);
        return Encoding.UTF8.GetString(buffer[..length]);
    }

    internal static RecipientError Error(string written, Channel channel)
    {
        Span<byte> buffer = stackalloc byte[RecipientNormalizer.MaxNormalizedLength];
        var fromBytes = RecipientNormalizer.TryNormalize(Encoding.UTF8.GetBytes(written), channel, buffer, out _);
        var fromText = RecipientNormalizer.TryNormalize(written.AsSpan(), channel, buffer, out _);
        Assert.Equal(fromBytes, fromText);
        return fromBytes;
    }
}
