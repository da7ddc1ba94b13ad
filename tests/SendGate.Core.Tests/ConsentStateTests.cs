using SendGate.Core.Consent;
using SendGate.Core.Domain;

namespace SendGate.Core.Tests;

public sealed class ConsentStateTests
{
    private static readonly ConsentTime Jan = Time("2024-01-01 00:00:00");
    private static readonly ConsentTime Feb = Time("2024-02-01 00:00:00");
    private static readonly ConsentTime Mar = Time("2024-03-01 00:00:00");

    [Theory]
    [InlineData(ConsentStatus.Onay)]
    [InlineData(ConsentStatus.Ret)]
    public void Create_Fields_RoundTrip(ConsentStatus status)
    {
        var state = ConsentState.Create(status, Jan, Mar);

        Assert.Equal(status, state.Status);
        Assert.Equal(Jan, state.ConsentDate);
        Assert.Equal(Mar, state.ModifiedAt);
        Assert.False(state.IsNone);
    }

    [Fact]
    public void Create_LatestPackableTime_RoundTrips()
    {
        var state = ConsentState.Create(ConsentStatus.Ret, new ConsentTime(uint.MaxValue), ConsentTime.MaxPackable);

        Assert.Equal(ConsentTime.MaxPackable, state.ModifiedAt);
        Assert.Equal(new ConsentTime(uint.MaxValue), state.ConsentDate);
        Assert.Equal(ConsentStatus.Ret, state.Status);
    }

    [Fact]
    public void None_HasNoStatus()
    {
        Assert.True(ConsentState.None.IsNone);
        Assert.Equal(ConsentStatus.None, ConsentState.None.Status);
    }

    [Fact]
    public void Create_Invalid_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsentState.Create(ConsentStatus.None, Jan, Jan));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsentState.Create(ConsentStatus.Onay, Jan, ConsentTime.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsentState.Create(ConsentStatus.Onay, Jan, new ConsentTime((uint)int.MaxValue + 1)));
    }

    [Fact]
    public void WithoutConsentDate_IsARecord_DatedByItsModificationForClosures()
    {
        // A TACIR record İYS holds without a consent date (DOMAIN.md "TACIR records").
        var merchant = ConsentState.Create(ConsentStatus.Onay, ConsentTime.None, Feb);

        Assert.False(merchant.IsNone);
        Assert.False(merchant.HasConsentDate);
        Assert.Equal(Feb, merchant.EffectiveConsentDate);
        Assert.True(LineClosureRule.Voids(Feb, merchant));
        Assert.True(LineClosureRule.Voids(Mar, merchant));
        Assert.False(LineClosureRule.Voids(Jan, merchant));
        Assert.True(ConsentState.Create(ConsentStatus.Onay, Jan, Feb).HasConsentDate);
    }

    [Fact]
    public void WithoutConsentDate_IsOrderedByModification_LikeAnyRecord()
    {
        var merchant = ConsentState.Create(ConsentStatus.Onay, ConsentTime.None, Mar);
        var older = ConsentState.Create(ConsentStatus.Ret, Jan, Feb);
        var sameTimeWithDate = ConsentState.Create(ConsentStatus.Onay, Jan, Mar);

        Assert.Equal(merchant, ConsentState.Newest(older, merchant));
        Assert.Equal(merchant, ConsentState.Newest(merchant, older));
        Assert.Equal(sameTimeWithDate, ConsentState.Newest(merchant, sameTimeWithDate)); // a tie: the stated date wins, in either order
        Assert.Equal(sameTimeWithDate, ConsentState.Newest(sameTimeWithDate, merchant));
    }

    [Fact]
    public void Newest_LaterModificationWins_EvenIfItIsOnayAfterRet()
    {
        var ret = ConsentState.Create(ConsentStatus.Ret, Jan, Feb);
        var onay = ConsentState.Create(ConsentStatus.Onay, Mar, Mar);

        Assert.Equal(onay, ConsentState.Newest(ret, onay));
        Assert.Equal(onay, ConsentState.Newest(onay, ret));
    }

    [Fact]
    public void Newest_LaterModificationWins_OverAnEarlierConsentDate()
    {
        // A correction: modified later, carrying an older consent date.
        var first = ConsentState.Create(ConsentStatus.Onay, Feb, Feb);
        var correction = ConsentState.Create(ConsentStatus.Onay, Jan, Mar);

        Assert.Equal(correction, ConsentState.Newest(first, correction));
        Assert.Equal(correction, ConsentState.Newest(correction, first));
    }

    [Fact]
    public void Newest_EqualModification_RetWins()
    {
        var onay = ConsentState.Create(ConsentStatus.Onay, Feb, Mar);
        var ret = ConsentState.Create(ConsentStatus.Ret, Jan, Mar);

        Assert.Equal(ret, ConsentState.Newest(onay, ret));
        Assert.Equal(ret, ConsentState.Newest(ret, onay));
    }

    [Fact]
    public void Newest_AnythingBeatsNone_AndDuplicatesAreHarmless()
    {
        var onay = ConsentState.Create(ConsentStatus.Onay, Jan, Jan);

        Assert.Equal(onay, ConsentState.Newest(ConsentState.None, onay));
        Assert.Equal(onay, ConsentState.Newest(onay, ConsentState.None));
        Assert.Equal(onay, ConsentState.Newest(onay, onay));
        Assert.False(onay.IsSupersededBy(onay));
    }

    internal static ConsentTime Time(string iys) =>
        ConsentTime.TryParseIys(iys, out var time) ? time : throw new ArgumentException(iys);
}
