using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Core.Recipients;

namespace SendGate.Core.Tests;

public sealed class HashingKeyTests
{
    private const string KeyBase64 = "AAECAwQFBgcICQoLDA0ODw=="; // 00 01 .. 0f

    [Fact]
    public void TryParseBase64_SixteenBytes_Parses()
    {
        Assert.True(HashingKey.TryParseBase64(KeyBase64, out var key, out _));
        Assert.NotNull(key);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not base64!")]
    [InlineData("AAECAwQFBgcICQoLDA0O")] // 15 bytes
    [InlineData("AAECAwQFBgcICQoLDA0ODxA=")] // 17 bytes
    public void TryParseBase64_WrongInput_FailsWithMessage(string? input)
    {
        Assert.False(HashingKey.TryParseBase64(input, out var key, out string error));
        Assert.Null(key);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void ToString_NeverShowsTheKey()
    {
        var key = HashingKey.ParseBase64(KeyBase64);

        string text = key.ToString();

        Assert.DoesNotContain(KeyBase64, text, StringComparison.Ordinal);
        Assert.DoesNotContain("000102", text, StringComparison.Ordinal);
        Assert.Contains(key.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyId_IsStablePerKeyAndDiffersAcrossKeys()
    {
        var a1 = HashingKey.ParseBase64(KeyBase64);
        var a2 = HashingKey.ParseBase64(KeyBase64);
        var b = HashingKey.FromBytes(new byte[16]);

        Assert.Equal(a1.KeyId, a2.KeyId);
        Assert.NotEqual(a1.KeyId, b.KeyId);
        Assert.NotEqual(0u, a1.KeyId);
    }

    [Theory]
    [InlineData("+90 532 123 45 67")]
    [InlineData("0532 123 4567")]
    [InlineData("5321234567")]
    [InlineData("(532) 123-45-67")]
    public void TryHash_EveryWrittenFormOfOneNumber_GivesOneKey(string written)
    {
        var hasher = new RecipientHasher(HashingKey.ParseBase64(KeyBase64));
        var expected = hasher.HashNormalized("+905321234567"u8);

        Assert.Equal(RecipientError.None, hasher.TryHash(written.AsSpan(), Channel.Mesaj, out var fromText));
        Assert.Equal(RecipientError.None, hasher.TryHash(System.Text.Encoding.UTF8.GetBytes(written), Channel.Mesaj, out var fromUtf8));
        Assert.Equal(expected, fromText);
        Assert.Equal(expected, fromUtf8);
    }

    [Fact]
    public void TryHash_Invalid_ReturnsErrorAndNoKey()
    {
        var hasher = new RecipientHasher(HashingKey.ParseBase64(KeyBase64));

        var error = hasher.TryHash("not-a-number".AsSpan(), Channel.Mesaj, out var key);

        Assert.Equal(RecipientError.MalformedPhone, error);
        Assert.True(key.IsZero);
    }
}
