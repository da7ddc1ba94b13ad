using SendGate.Grpc.Protocol;

namespace SendGate.Grpc.Tests;

public sealed class GrpcProtocolTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("1n", 1L)]      // rounded up: never shorter than asked
    [InlineData("99999999n", 1_000_000L)]
    public void TryParseTimeout_Units(string value, long expectedTicks)
    {
        Assert.True(GrpcProtocol.TryParseTimeout(value, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("-1S")]
    [InlineData("123456789S")] // more than 8 digits
    [InlineData("1.5S")]
    public void TryParseTimeout_Malformed_Fails(string value)
    {
        Assert.False(GrpcProtocol.TryParseTimeout(value, out _));
    }

    [Fact]
    public void TryParseTimeout_Huge_IsClamped()
    {
        Assert.True(GrpcProtocol.TryParseTimeout("99999999H", out var timeout));
        Assert.Equal(GrpcProtocol.MaxTimeout, timeout);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(10_000L)]
    [InlineData(12_345_678_901L)]
    [InlineData(3_600_000_000_000L)] // 100 hours: within the clamp
    public void FormatTimeout_ParsesBackToAtLeastTheTimeout(long ticks)
    {
        string text = GrpcProtocol.FormatTimeout(TimeSpan.FromTicks(ticks));

        Assert.True(text.Length <= 9);
        Assert.True(GrpcProtocol.TryParseTimeout(text, out var parsed));
        Assert.True(parsed.Ticks >= ticks);
    }

    [Theory]
    [InlineData("plain message", "plain message")]
    [InlineData("50% off", "50%25 off")]
    [InlineData("ğ", "%C4%9F")]
    [InlineData("a\nb", "a%0Ab")]
    public void PercentEncode_FollowsTheSpec(string message, string expected)
    {
        Assert.Equal(expected, GrpcProtocol.PercentEncode(message));
        Assert.Equal(message, GrpcProtocol.PercentDecode(expected));
    }

    [Theory]
    [InlineData("%", "%")]
    [InlineData("%4", "%4")]
    [InlineData("%zz ok", "%zz ok")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void PercentDecode_Malformed_IsKeptNotThrown(string? encoded, string expected)
    {
        Assert.Equal(expected, GrpcProtocol.PercentDecode(encoded));
    }

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("application/grpc; charset=utf-8", true)]
    [InlineData("APPLICATION/GRPC", true)]
    [InlineData("application/grpc-web", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void IsGrpcContentType(string? contentType, bool expected)
    {
        Assert.Equal(expected, GrpcProtocol.IsGrpcContentType(contentType));
    }
}
