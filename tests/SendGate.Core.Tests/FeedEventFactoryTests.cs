using SendGate.Core.Consent;
using SendGate.Core.Domain;

namespace SendGate.Core.Tests;

public sealed class FeedEventFactoryTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FeedEventFactory _factory = new(TestKeys.Hasher, new FixedClock(Now));

    private static ConsentChangeInput Valid => new()
    {
        IysCode = 123456,
        BrandCode = 123457,
        Channel = Channel.Mesaj,
        RecipientType = RecipientType.Unspecified,
        Status = ConsentStatus.Onay,
        ConsentDate = ConsentStateTests.Time("2024-03-01 10:00:00"),
        ModifiedAt = ConsentStateTests.Time("2024-03-01 10:00:05"),
        Recipient = RecipientInput.FromAddress("0532 123 45 67"),
        Source = "HS_WEB",
        TransactionId = "tx-1",
    };

    [Fact]
    public void TryCreate_Address_IsHashedOnArrival()
    {
        var error = _factory.TryCreate(Valid, out var change);

        Assert.Equal(FeedEventError.None, error);
        Assert.NotNull(change);
        Assert.Equal(TestKeys.Hasher.HashNormalized("+905321234567"u8), change.Key.Recipient);
        Assert.Equal(RecipientType.Bireysel, change.Key.RecipientType);
        Assert.Equal(ConsentStatus.Onay, change.Record.Status);
        Assert.Equal("HS_WEB", change.Record.Source);
    }

    [Fact]
    public void TryCreate_Key_IsTakenAsIs()
    {
        var key = TestKeys.Hasher.HashNormalized("+905321234567"u8);
        var input = Valid with { Recipient = RecipientInput.FromKey(key.ToArray(), TestKeys.Hasher.KeyId) };

        Assert.Equal(FeedEventError.None, _factory.TryCreate(input, out var change));
        Assert.Equal(key, change!.Key.Recipient);
    }

    [Theory]
    [InlineData("bayi-7", null)]
    [InlineData("501", "x")]
    public void TryCreate_RetailerCodeThatIsNotAnInteger_IsRefused(string code, string? access)
    {
        var input = Valid with { RetailerCode = code, RetailerAccess = access is null ? null : [access] };

        Assert.Equal(FeedEventError.MalformedRetailer, _factory.TryCreate(input, out _));
    }

    [Fact]
    public void TryCreate_UnknownSource_IsKept()
    {
        Assert.Equal(FeedEventError.None, _factory.TryCreate(Valid with { Source = "HS_SOMETHING_NEW" }, out var change));
        Assert.Equal("HS_SOMETHING_NEW", change!.Record.Source);
    }

    [Fact]
    public void TryCreate_TacirWithoutConsentDateOrSource_IsAccepted_AndOrderedByItsModification()
    {
        var input = Valid with { RecipientType = RecipientType.Tacir, ConsentDate = ConsentTime.None, Source = null };

        Assert.Equal(FeedEventError.None, _factory.TryCreate(input, out var change));

        Assert.False(change!.Record.State.HasConsentDate);
        Assert.True(change.Record.ConsentDate.IsNone);
        Assert.Equal(input.ModifiedAt, change.Record.State.EffectiveConsentDate);
        Assert.Equal(string.Empty, change.Record.Source);
    }

    [Fact]
    public void TryCreate_TacirWithAnInvalidConsentDate_IsStillRefused()
    {
        var input = Valid with { RecipientType = RecipientType.Tacir, ConsentDate = new ConsentTime(ConsentTime.EarliestValid.Seconds - 1) };

        Assert.Equal(FeedEventError.TimeBeforeLaw, _factory.TryCreate(input, out _));
    }

    public static TheoryData<string, FeedEventError> Invalid => new()
    {
        { "iys", FeedEventError.MissingIysCode },
        { "brand", FeedEventError.MissingBrandCode },
        { "channel", FeedEventError.UnknownChannel },
        { "type", FeedEventError.UnknownRecipientType },
        { "status", FeedEventError.UnknownStatus },
        { "noRecipient", FeedEventError.MissingRecipient },
        { "both", FeedEventError.BothAddressAndKey },
        { "badAddress", FeedEventError.InvalidRecipient },
        { "emailOnMesaj", FeedEventError.InvalidRecipient },
        { "shortKey", FeedEventError.MalformedRecipientKey },
        { "otherKeyId", FeedEventError.KeyIdMismatch },
        { "noConsentDate", FeedEventError.MissingConsentDate },
        { "noModified", FeedEventError.MissingModificationTime },
        { "beforeLaw", FeedEventError.TimeBeforeLaw },
        { "future", FeedEventError.TimeInFuture },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void TryCreate_Invalid_ReturnsTheError(string mutation, FeedEventError expected)
    {
        var input = mutation switch
        {
            "iys" => Valid with { IysCode = 0 },
            "brand" => Valid with { BrandCode = 0 },
            "channel" => Valid with { Channel = Channel.Unspecified },
            "type" => Valid with { RecipientType = (RecipientType)7 },
            "status" => Valid with { Status = ConsentStatus.None },
            "noRecipient" => Valid with { Recipient = default },
            "both" => Valid with { Recipient = new RecipientInput("05321234567", new byte[16], true, 0) },
            "badAddress" => Valid with { Recipient = RecipientInput.FromAddress("12345") },
            "emailOnMesaj" => Valid with { Recipient = RecipientInput.FromAddress("ali@example.com") },
            "shortKey" => Valid with { Recipient = RecipientInput.FromKey(new byte[15], 0) },
            "otherKeyId" => Valid with { Recipient = RecipientInput.FromKey(new byte[16], TestKeys.Hasher.KeyId ^ 1) },
            "noConsentDate" => Valid with { ConsentDate = ConsentTime.None },
            "noModified" => Valid with { ModifiedAt = ConsentTime.None },
            "beforeLaw" => Valid with { ConsentDate = new ConsentTime(ConsentTime.EarliestValid.Seconds - 1) },
            "future" => Valid with { ModifiedAt = ConsentTime.FromDateTimeOffset(Now.AddDays(2)) },
            _ => throw new ArgumentOutOfRangeException(nameof(mutation)),
        };

        var error = _factory.TryCreate(input, out var change);

        Assert.Equal(expected, error);
        Assert.Null(change);
        Assert.NotEqual("invalid event", error.Describe());
    }

    [Fact]
    public void TryCreate_SlightlyInTheFuture_IsToleratedForClockSkew()
    {
        var input = Valid with { ModifiedAt = ConsentTime.FromDateTimeOffset(Now.AddHours(1)) };

        Assert.Equal(FeedEventError.None, _factory.TryCreate(input, out _));
    }

    [Fact]
    public void TryCreate_LineClosure_ByAddressAndByKey()
    {
        var closedAt = ConsentStateTests.Time("2024-05-01 00:00:00");
        var expected = TestKeys.Hasher.HashNormalized("+905321234567"u8);

        Assert.Equal(FeedEventError.None, _factory.TryCreate(RecipientInput.FromAddress("+90 532 123 45 67"), closedAt, out var byAddress));
        Assert.Equal(FeedEventError.None, _factory.TryCreate(RecipientInput.FromKey(expected.ToArray(), 0), closedAt, out var byKey));
        Assert.Equal(expected, byAddress.Recipient);
        Assert.Equal(byAddress, byKey);
    }

    [Fact]
    public void TryCreate_LineClosureWithoutTimeOrOfAnEmail_IsRefused()
    {
        Assert.Equal(FeedEventError.MissingClosedAt, _factory.TryCreate(RecipientInput.FromAddress("05321234567"), ConsentTime.None, out _));
        Assert.Equal(FeedEventError.InvalidRecipient, _factory.TryCreate(RecipientInput.FromAddress("ali@example.com"), ConsentStateTests.Time("2024-05-01 00:00:00"), out _));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
