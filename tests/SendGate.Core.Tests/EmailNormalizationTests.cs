using System.Text;
using SendGate.Core.Domain;
using SendGate.Core.Recipients;

namespace SendGate.Core.Tests;

public sealed class EmailNormalizationTests
{
    [Theory]
    [InlineData("ali@example.com", "ali@example.com")]
    [InlineData("User@Example.COM", "user@example.com")]
    [InlineData("  ali.veli@example.com.tr ", "ali.veli@example.com.tr")]
    [InlineData("<ali@example.com>", "ali@example.com")]
    [InlineData("first+tag@sub.example.org", "first+tag@sub.example.org")]
    [InlineData("o'brien@example.ie", "o'brien@example.ie")]
    [InlineData("ali_veli-1@ex-ample.co", "ali_veli-1@ex-ample.co")]
    [InlineData("a@b.co", "a@b.co")]
    [InlineData("x@123.example.com", "x@123.example.com")]
    [InlineData("çiğdem@örnek.com.tr", "çiğdem@örnek.com.tr")] // SMTPUTF8/IDN: kept as written
    [InlineData("ÇİĞDEM@Örnek.COM.tr", "çiğdem@örnek.com.tr")] // Unicode simple case mapping: İ → i
    public void TryNormalize_ValidAddresses_AreTrimmedAndLowerCased(string written, string expected)
    {
        Span<byte> buffer = stackalloc byte[RecipientNormalizer.MaxNormalizedLength];
        var error = RecipientNormalizer.TryNormalize(Encoding.UTF8.GetBytes(written), Channel.Eposta, buffer, out int length);

        Assert.Equal(RecipientError.None, error);
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer[..length]));
    }

    [Theory]
    [InlineData("plainaddress")]
    [InlineData("@example.com")]
    [InlineData("ali@")]
    [InlineData("ali@@example.com")]
    [InlineData("ali@exa@mple.com")]
    [InlineData("ali@example")]
    [InlineData(".ali@example.com")]
    [InlineData("ali.@example.com")]
    [InlineData("ali..veli@example.com")]
    [InlineData("ali@-example.com")]
    [InlineData("ali@example-.com")]
    [InlineData("ali@example..com")]
    [InlineData("ali@.example.com")]
    [InlineData("ali@example.com.")]
    [InlineData("ali veli@example.com")]
    [InlineData("ali@exa mple.com")]
    [InlineData("ali@[192.168.0.1]")]
    [InlineData("ali@192.168.0.1")]
    [InlineData("\"ali\"@example.com")]
    [InlineData("ali(comment)@example.com")]
    [InlineData("ali@exam_ple.com")]
    public void TryNormalize_Malformed_IsRefused(string written)
    {
        Assert.Equal(RecipientError.MalformedEmail, PhoneNormalizationTests.Error(written, Channel.Eposta));
    }

    [Fact]
    public void TryNormalize_LengthLimits_FollowRfc5321()
    {
        string local64 = new('a', 64);
        string label63 = new('b', 63);
        Assert.Equal(RecipientError.None, PhoneNormalizationTests.Error(local64 + "@example.com", Channel.Eposta));
        Assert.Equal(RecipientError.MalformedEmail, PhoneNormalizationTests.Error(local64 + "a@example.com", Channel.Eposta));
        Assert.Equal(RecipientError.None, PhoneNormalizationTests.Error("ali@" + label63 + ".com", Channel.Eposta));
        Assert.Equal(RecipientError.MalformedEmail, PhoneNormalizationTests.Error("ali@" + label63 + "b.com", Channel.Eposta));

        // 254 octets is the most an address can have.
        string domain = string.Join('.', Enumerable.Repeat(new string('c', 60), 4)); // 243 octets
        string at254 = "abcdefghij@" + domain;
        Assert.Equal(254, at254.Length);
        Assert.Equal(RecipientError.None, PhoneNormalizationTests.Error(at254, Channel.Eposta));
        Assert.Equal(RecipientError.TooLong, PhoneNormalizationTests.Error("k" + at254, Channel.Eposta));
    }

    [Fact]
    public void TryNormalize_InvalidUtf8_IsRefused()
    {
        Span<byte> buffer = stackalloc byte[RecipientNormalizer.MaxNormalizedLength];
        byte[] input = [(byte)'a', 0xFF, (byte)'@', (byte)'b', (byte)'.', (byte)'c', (byte)'o'];

        Assert.Equal(RecipientError.MalformedEmail, RecipientNormalizer.TryNormalize(input, Channel.Eposta, buffer, out _));
    }

    [Theory]
    [InlineData(Channel.Mesaj)]
    [InlineData(Channel.Arama)]
    public void TryNormalize_EmailOnPhoneChannel_IsWrongChannel(Channel channel)
    {
        Assert.Equal(RecipientError.EmailOnPhoneChannel, PhoneNormalizationTests.Error("ali@example.com", channel));
    }
}
