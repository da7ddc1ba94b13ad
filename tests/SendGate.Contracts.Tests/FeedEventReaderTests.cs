using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using SendGate.Core.Consent;
using SendGate.Core.Hashing;

namespace SendGate.Contracts.Tests;

/// <summary>
/// The span reader of feed events against Google.Protobuf's parser as the reference (its object graph mapped to the
/// factory's input as the feed did before): the same answer for random events of every shape, never an answer the
/// reference would not give for damaged bytes, and protobuf's rules where a hand-written reader goes wrong first —
/// unknown fields, wire types, oneofs, merged submessages, truncation.
/// </summary>
public sealed class FeedEventReaderTests
{
    private static readonly RecipientHasher Hasher = new(HashingKey.FromBytes("sendgate-testkey"u8));
    private static readonly string[] Sources = ["HS_WEB", "IYS_MOBIL", "HS_2015", "", "ÖZEL_KAYNAK"];
    private readonly FeedEventFactory _factory = new(Hasher, TimeProvider.System);

    [Fact]
    public void RandomEvents_DecodeAsTheReferenceDecodesThem()
    {
        var random = new Random(20261202);
        int valid = 0;
        for (int i = 0; i < 5_000; i++)
        {
            byte[] payload = RandomEvent(random).ToByteArray();
            var expected = Reference(payload);
            AssertSame(expected, FeedEventReader.Decode(payload, _factory), payload);
            valid += expected.IsValid ? 1 : 0;
        }

        Assert.True(valid is > 500 and < 4_500, $"{valid} of 5,000 valid: both outcomes must be exercised"); 
    }

    [Fact]
    public void DamagedBytes_AreNeverAnsweredOtherwiseThanByTheReference()
    {
        var random = new Random(7);
        int onlyReferenceAccepted = 0, cases = 20_000;
        for (int i = 0; i < cases; i++)
        {
            byte[] payload = Damage(RandomEvent(random).ToByteArray(), random);
            var decoded = FeedEventReader.Decode(payload, _factory);
            var expected = Reference(payload);
            if (decoded.Rejection == FeedEventError.Undecodable.Describe() && expected.Rejection != decoded.Rejection)
            {
                onlyReferenceAccepted++; // a group or a non-UTF-8 string: undecodable here by design
                continue;
            }

            AssertSame(expected, decoded, payload);
        }

        Assert.True(onlyReferenceAccepted < cases / 50, $"{onlyReferenceAccepted} of {cases} damaged payloads undecodable here but not for the reference");
    }

    [Fact]
    public void UnknownFields_AndKnownFieldsOfAnotherWireType_AreSkipped()
    {
        var feedEvent = Keyed(Hasher.KeyId);
        byte[] known = feedEvent.ToByteArray();
        // Field 99 (varint), field 3 of the event as fixed64 (the schema has none), key_id (15) as a varint, not fixed32.
        byte[] payload = [.. Tag(99, 0), 0x96, 0x01, .. Tag(3, 1), 1, 2, 3, 4, 5, 6, 7, 8, .. Tag(15, 0), 0x05, .. known];

        var decoded = FeedEventReader.Decode(payload, _factory);

        Assert.True(decoded.IsValid, decoded.Rejection);
        AssertSame(Reference(payload), decoded, payload);
    }

    [Fact]
    public void TheLastMemberOfAOneof_Wins_AndASubmessageGivenTwice_Merges()
    {
        var first = new V1.FeedEvent { ConsentChanged = new V1.ConsentChanged { IysCode = 1, BrandCode = 2, Address = "05321234567", Source = "HS_WEB" } };
        var second = new V1.FeedEvent
        {
            ConsentChanged = new V1.ConsentChanged
            {
                Channel = V1.Channel.Mesaj,
                RecipientType = V1.RecipientType.Bireysel,
                Status = V1.ConsentStatus.Onay,
                RecipientKey = ByteString.CopyFrom(Hasher.HashNormalized("+905321234568"u8).ToArray()),
                ConsentDate = Timestamp.FromDateTimeOffset(new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero)),
                ModifiedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero)),
            },
        };
        byte[] payload = [.. first.ToByteArray(), .. second.ToByteArray()];

        var decoded = FeedEventReader.Decode(payload, _factory);

        Assert.True(decoded.IsValid, decoded.Rejection);
        Assert.Equal((1u, 2u, "HS_WEB"), (decoded.Change!.Record.IysCode, decoded.Change.Key.BrandCode, decoded.Change.Record.Source)); // from the first part
        Assert.Equal(Hasher.HashNormalized("+905321234568"u8), decoded.Change.Key.Recipient); // the key, given after the address
        AssertSame(Reference(payload), decoded, payload);

        byte[] closedAfter = [.. payload, .. new V1.FeedEvent { LineClosed = new V1.LineClosed { Address = "05321234567" } }.ToByteArray()];
        Assert.Equal(FeedEventError.MissingClosedAt.Describe(), FeedEventReader.Decode(closedAfter, _factory).Rejection); // the closure alone, afresh
        AssertSame(Reference(closedAfter), FeedEventReader.Decode(closedAfter, _factory), closedAfter);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(30)]
    public void TruncatedPayloads_AreUndecodable(int cut)
    {
        byte[] payload = Keyed(Hasher.KeyId).ToByteArray();

        Assert.Equal(FeedEventError.Undecodable.Describe(), FeedEventReader.Decode(payload.AsSpan(0, payload.Length - cut), _factory).Rejection);
    }

    [Fact]
    public void AGroup_IsUndecodable()
    {
        byte[] payload = [.. Tag(20, 3), .. Tag(20, 4), .. Keyed(Hasher.KeyId).ToByteArray()];

        Assert.Equal(FeedEventError.Undecodable.Describe(), FeedEventReader.Decode(payload, _factory).Rejection);
    }

    /// <summary>What the feed answered before the span reader: Google.Protobuf's message objects, mapped field by field.</summary>
    private DecodedEvent Reference(byte[] payload)
    {
        V1.FeedEvent feedEvent;
        try
        {
            feedEvent = V1.FeedEvent.Parser.ParseFrom(payload);
        }
        catch (Exception error) when (error is InvalidProtocolBufferException or System.Text.DecoderFallbackException)
        {
            return DecodedEvent.Rejected(FeedEventError.Undecodable);
        }

        return FeedEventMapping.Decode(feedEvent, _factory);
    }

    private static void AssertSame(DecodedEvent expected, DecodedEvent actual, byte[] payload)
    {
        string bytes = Convert.ToHexString(payload);
        Assert.True(expected.Kind == actual.Kind, $"{expected.Kind} expected, {actual.Kind} ({actual.Rejection}) read from {bytes}");
        Assert.True(expected.Rejection == actual.Rejection, $"'{expected.Rejection}' expected, '{actual.Rejection}' read from {bytes}");
        Assert.True(Equals(expected.Change, actual.Change), $"{expected.Change} expected, {actual.Change} read from {bytes}");
        Assert.True(Equals(expected.Closure, actual.Closure), $"{expected.Closure} expected, {actual.Closure} read from {bytes}");
    }

    /// <summary>A consent change or line closure with each field present or not, right or wrong, in any combination.</summary>
    private static V1.FeedEvent RandomEvent(Random random)
    {
        var feedEvent = new V1.FeedEvent();
        if (random.Next(10) > 0)
        {
            feedEvent.KeyId = random.Next(4) switch { 0 => 0, 1 => Hasher.KeyId ^ 1, _ => Hasher.KeyId };
        }

        if (random.Next(12) == 0)
        {
            return feedEvent; // neither member of the oneof
        }

        if (random.Next(4) == 0)
        {
            var closed = new V1.LineClosed();
            SetRecipient(random, key => closed.RecipientKey = key, address => closed.Address = address);
            if (random.Next(8) > 0)
            {
                closed.ClosedAt = RandomTime(random);
            }

            feedEvent.LineClosed = closed;
            return feedEvent;
        }

        var changed = new V1.ConsentChanged
        {
            IysCode = random.Next(12) == 0 ? 0u : (uint)random.Next(1, 999_999),
            BrandCode = random.Next(12) == 0 ? 0u : (uint)random.Next(1, 999_999),
            Channel = (V1.Channel)(random.Next(8) == 0 ? random.Next(0, 5) : random.Next(1, 4)),
            RecipientType = (V1.RecipientType)(random.Next(8) == 0 ? random.Next(0, 4) : random.Next(1, 3)),
            Status = (V1.ConsentStatus)(random.Next(8) == 0 ? random.Next(0, 4) : random.Next(1, 3)),
            Source = Sources[random.Next(Sources.Length)],
            TransactionId = random.Next(3) == 0 ? "" : "tx-" + random.Next(),
            RetailerCode = random.Next(4) == 0 ? random.Next(1, 99).ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
        };
        if (changed.RetailerCode.Length > 0 && random.Next(2) == 0)
        {
            changed.RetailerAccess.AddRange(Enumerable.Range(0, random.Next(1, 4)).Select(n => (n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        SetRecipient(random, key => changed.RecipientKey = key, address => changed.Address = address);
        if (random.Next(8) > 0)
        {
            changed.ConsentDate = RandomTime(random);
        }

        if (random.Next(8) > 0)
        {
            changed.ModifiedAt = RandomTime(random);
        }

        feedEvent.ConsentChanged = changed;
        return feedEvent;
    }

    private static void SetRecipient(Random random, Action<ByteString> key, Action<string> address)
    {
        switch (random.Next(6))
        {
            case 0:
                break; // none
            case 1:
                address(random.Next(2) == 0 ? "+90 532 " + random.Next(100_0000, 999_9999) : "ali" + random.Next(100) + "@example.com");
                break;
            case 2:
                key(ByteString.CopyFrom(new byte[random.Next(0, 20)])); // not a key's 16 bytes, mostly
                break;
            default:
                key(ByteString.CopyFrom(Hasher.HashNormalized(System.Text.Encoding.ASCII.GetBytes("+90532" + random.Next(100_0000, 999_9999))).ToArray()));
                break;
        }
    }

    private static Timestamp RandomTime(Random random) => new()
    {
        Seconds = random.Next(6) == 0 ? random.NextInt64(-10_000_000_000, 10_000_000_000) : new DateTimeOffset(2016, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds() + random.Next(0, 300_000_000),
        Nanos = random.Next(3) == 0 ? random.Next(0, 999_999_999) : 0,
    };

    /// <summary>One byte changed, a piece cut off, or random bytes put in somewhere.</summary>
    private static byte[] Damage(byte[] payload, Random random)
    {
        if (payload.Length == 0)
        {
            return [(byte)random.Next(256)];
        }

        var damaged = payload.ToList();
        switch (random.Next(3))
        {
            case 0:
                damaged[random.Next(damaged.Count)] = (byte)random.Next(256);
                break;
            case 1:
                int at = random.Next(damaged.Count);
                damaged.RemoveRange(at, Math.Min(damaged.Count - at, random.Next(1, 5)));
                break;
            default:
                damaged.InsertRange(random.Next(damaged.Count + 1), Enumerable.Range(0, random.Next(1, 4)).Select(_ => (byte)random.Next(256)));
                break;
        }

        return [.. damaged];
    }

    private static V1.FeedEvent Keyed(uint keyId) => new()
    {
        KeyId = keyId,
        ConsentChanged = new V1.ConsentChanged
        {
            IysCode = 123456,
            BrandCode = 123457,
            Channel = V1.Channel.Mesaj,
            RecipientType = V1.RecipientType.Bireysel,
            Status = V1.ConsentStatus.Onay,
            RecipientKey = ByteString.CopyFrom(Hasher.HashNormalized("+905321234567"u8).ToArray()),
            Source = "HS_WEB",
            TransactionId = "tx-1",
            ConsentDate = Timestamp.FromDateTimeOffset(new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero)),
            ModifiedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero)),
        },
    };

    private static byte[] Tag(int field, int wireType)
    {
        Span<byte> varint = stackalloc byte[10];
        return varint[..ProtoWire.WriteVarint(varint, (ulong)((field << 3) | wireType))].ToArray();
    }
}
