using SendGate.Core.Domain;

namespace SendGate.Core.Tests;

public sealed class ConsentTimeTests
{
    [Fact]
    public void TryParseIys_ReadsGmtPlus3()
    {
        Assert.True(ConsentTime.TryParseIys("2024-03-01 10:00:00", out var time));

        Assert.Equal(new DateTimeOffset(2024, 3, 1, 7, 0, 0, TimeSpan.Zero), time.ToDateTimeOffset());
        Assert.Equal("2024-03-01 10:00:00", time.ToIysString());
    }

    [Fact]
    public void EarliestValid_IsTheLawsStartInGmtPlus3()
    {
        Assert.Equal(new DateTimeOffset(2015, 4, 30, 21, 0, 0, TimeSpan.Zero), ConsentTime.EarliestValid.ToDateTimeOffset());
        Assert.True(ConsentTime.TryParseIys("2015-05-01 00:00:00", out var first));
        Assert.Equal(ConsentTime.EarliestValid, first);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2024-03-01")]
    [InlineData("2024-03-01T10:00:00")]
    [InlineData("2024/03/01 10:00:00")]
    [InlineData("2024-02-30 10:00:00")]
    [InlineData("2023-02-29 10:00:00")]
    [InlineData("2024-13-01 10:00:00")]
    [InlineData("2024-00-01 10:00:00")]
    [InlineData("2024-03-01 24:00:00")]
    [InlineData("2024-03-01 10:60:00")]
    [InlineData("2024-03-01 10:00:60")]
    [InlineData("2024-03-01 10:00:0x")]
    [InlineData("2014-12-31 23:59:59")]
    [InlineData("2015-01-01 01:00:00")] // before the epoch once converted to UTC
    public void TryParseIys_Malformed_Fails(string text)
    {
        Assert.False(ConsentTime.TryParseIys(text, out var time));
        Assert.True(time.IsNone);
    }

    [Fact]
    public void TryParseIys_LeapDay_Parses()
    {
        Assert.True(ConsentTime.TryParseIys("2024-02-29 23:59:59", out _));
    }

    [Fact]
    public void UnixSeconds_RoundTrip()
    {
        var instant = new DateTimeOffset(2025, 6, 15, 12, 30, 45, TimeSpan.Zero);

        Assert.True(ConsentTime.TryFromUnixSeconds(instant.ToUnixTimeSeconds(), out var time));

        Assert.Equal(instant, time.ToDateTimeOffset());
        Assert.Equal(instant.ToUnixTimeSeconds(), time.ToUnixSeconds());
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(1_420_070_400L)] // the epoch itself is "none"
    [InlineData(long.MaxValue)]
    public void TryFromUnixSeconds_OutOfRange_Fails(long unixSeconds)
    {
        Assert.False(ConsentTime.TryFromUnixSeconds(unixSeconds, out _));
    }
}
