using Google.Protobuf;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Contracts.Tests;

public sealed class FeedEventMappingTests
{
    private static readonly RecipientHasher Hasher = new(HashingKey.FromBytes("sendgate-testkey"u8));
    private readonly FeedEventFactory _factory = new(Hasher, TimeProvider.System);

    [Fact]
    public void ToEventThenDecode_ConsentChange_RoundTripsWithoutAnAddress()
    {
        var change = Change("0532 123 45 67", ConsentStatus.Ret);

        var feedEvent = FeedEventMapping.ToEvent(change, Hasher.KeyId);
        byte[] payload = feedEvent.ToByteArray();
        var decoded = FeedEventMapping.Decode(payload, _factory);

        Assert.Equal(V1.ConsentChanged.RecipientOneofCase.RecipientKey, feedEvent.ConsentChanged.RecipientCase);
        Assert.DoesNotContain("5321234567", System.Text.Encoding.ASCII.GetString(payload), StringComparison.Ordinal);
        Assert.True(decoded.IsValid, decoded.Rejection);
        Assert.Equal(change, decoded.Change);
    }

    [Fact]
    public void ToEventThenDecode_LineClosure_RoundTrips()
    {
        var closure = new LineClosure(Hasher.HashNormalized("+905321234567"u8), Time("2024-05-01 00:00:00"));

        var decoded = FeedEventMapping.Decode(FeedEventMapping.ToEvent(closure, Hasher.KeyId).ToByteArray(), _factory);

        Assert.True(decoded.IsValid, decoded.Rejection);
        Assert.Equal(closure, decoded.Closure);
    }

    [Fact]
    public void Decode_PlaintextAddress_IsHashedOnArrival()
    {
        var feedEvent = FeedEventMapping.ToEvent(Change("05321234567", ConsentStatus.Onay), 0);
        feedEvent.ConsentChanged.Address = "+90 532 123 45 67";

        var decoded = FeedEventMapping.Decode(feedEvent.ToByteArray(), _factory);

        Assert.True(decoded.IsValid, decoded.Rejection);
        Assert.Equal(Hasher.HashNormalized("+905321234567"u8), decoded.Change!.Key.Recipient);
    }

    [Fact]
    public void Decode_Garbage_IsUndecodable()
    {
        var decoded = FeedEventMapping.Decode([0xFF, 0xFF, 0xFF, 0x01], _factory);

        Assert.Equal(FeedEventError.Undecodable.Describe(), decoded.Rejection);
    }

    [Fact]
    public void Decode_EmptyEvent_IsRefused()
    {
        Assert.Equal(FeedEventError.Empty.Describe(), FeedEventMapping.Decode([], _factory).Rejection);
    }

    [Fact]
    public void Decode_OtherKeyId_IsRefused()
    {
        byte[] payload = FeedEventMapping.ToEvent(Change("05321234567", ConsentStatus.Onay), Hasher.KeyId ^ 0x5a).ToByteArray();

        Assert.Equal(FeedEventError.KeyIdMismatch.Describe(), FeedEventMapping.Decode(payload, _factory).Rejection);
    }

    [Fact]
    public void MessageKey_IsTheConsentKeyForChangesAndTheRecipientForClosures()
    {
        var change = Change("05321234567", ConsentStatus.Onay);
        var closure = new LineClosure(change.Key.Recipient, Time("2024-05-01 00:00:00"));

        Assert.True(ConsentKey.TryRead(FeedEventMapping.MessageKey(change), out var key));
        Assert.Equal(change.Key, key);
        Assert.Equal(change.Key.Recipient.ToArray(), FeedEventMapping.MessageKey(closure));
    }

    private static ConsentChange Change(string phone, ConsentStatus status)
    {
        Assert.Equal(Core.Recipients.RecipientError.None, Hasher.TryHash(phone.AsSpan(), Channel.Mesaj, out var recipient));
        return new ConsentChange(
            new ConsentKey(123457, Channel.Mesaj, RecipientType.Bireysel, recipient),
            new ConsentRecord
            {
                State = ConsentState.Create(status, Time("2024-03-01 10:00:00"), Time("2024-03-01 10:00:05")),
                IysCode = 123456,
                Source = "HS_WEB",
                TransactionId = "tx-42",
                RetailerCode = "1",
                RetailerAccess = ["1", "2"],
            });
    }

    private static ConsentTime Time(string iys) => ConsentTime.TryParseIys(iys, out var t) ? t : throw new ArgumentException(iys);
}
