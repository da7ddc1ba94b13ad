using System.Globalization;
using Confluent.Kafka;
using Google.Protobuf;
using SendGate.Contracts;
using SendGate.Contracts.V1;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Tests.Support;
using Channel = SendGate.Core.Domain.Channel;
using MessageKind = SendGate.Core.Domain.MessageKind;
using Reason = SendGate.Core.Domain.Reason;
using ConsentStatus = SendGate.Core.Domain.ConsentStatus;
using RecipientType = SendGate.Core.Domain.RecipientType;

namespace SendGate.Kafka.Tests;

/// <summary>Events as the upstream sync would publish them (hashed with the tests' key), and the gate's answers.</summary>
internal static class Events
{
    public const uint Brand = 123457;
    private static readonly FeedEventFactory Factory = new(GateHost.Hasher, TimeProvider.System);

    public static ConsentChange Change(string phone, ConsentStatus status, string modified, RecipientType type = RecipientType.Bireysel)
    {
        Assert.True(ConsentTime.TryParseIys(modified, out var time));
        var input = new ConsentChangeInput
        {
            IysCode = 123456,
            BrandCode = Brand,
            Channel = Channel.Mesaj,
            RecipientType = type,
            Status = status,
            ConsentDate = time,
            ModifiedAt = time,
            Recipient = RecipientInput.FromAddress(phone),
            Source = "HS_WEB",
            TransactionId = "tx-" + modified,
        };
        Assert.Equal(FeedEventError.None, Factory.TryCreate(input, out var change));
        return change!;
    }

    public static LineClosure Closure(string phone, string closedAt)
    {
        Assert.True(ConsentTime.TryParseIys(closedAt, out var time));
        Assert.Equal(FeedEventError.None, Factory.TryCreate(RecipientInput.FromAddress(phone), time, out var closure));
        return closure;
    }

    /// <summary>A raw message on the topic: what a foreign or broken producer might write.</summary>
    public static void Raw(IProducer<byte[]?, byte[]?> producer, string topic, byte[]? key, byte[]? value) =>
        producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Key = key, Value = value }).GetAwaiter().GetResult();

    public static byte[] WithAddress(string address, SendGate.Contracts.V1.Channel channel, uint keyId = 0) => new FeedEvent
    {
        KeyId = keyId,
        ConsentChanged = new ConsentChanged
        {
            IysCode = 123456,
            BrandCode = Brand,
            Channel = channel,
            RecipientType = SendGate.Contracts.V1.RecipientType.Bireysel,
            Address = address,
            Status = SendGate.Contracts.V1.ConsentStatus.Onay,
            ConsentDate = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.Parse("2024-01-01T10:00:00+03:00", CultureInfo.InvariantCulture)),
            ModifiedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.Parse("2024-01-01T10:00:00+03:00", CultureInfo.InvariantCulture)),
        },
    }.ToByteArray();

    public static byte[] WithForeignKeyId(ConsentChange change) => FeedEventMapping.ToEvent(change, keyId: 0x0badcafe).ToByteArray();

    public static async Task<Reason[]> CheckAsync(GateHost host, MessageKind kind, RecipientType type, params string[] phones)
    {
        var request = new CheckRequest { IysCode = 123456, BrandCode = Brand, Channel = SendGate.Contracts.V1.Channel.Mesaj, RecipientType = type.ToWire(), Kind = (SendGate.Contracts.V1.MessageKind)(int)kind };
        request.Recipients.AddRange(phones);
        var response = await host.Gate.CheckAsync(request);
        return response.Reasons.Select(r => (Reason)r).ToArray();
    }

    public static Task<Reason[]> CheckAsync(GateHost host, params string[] phones) => CheckAsync(host, MessageKind.Commercial, RecipientType.Bireysel, phones);

    /// <summary>Polls until the gate answers <paramref name="expected"/> for <paramref name="phone"/> (changes become visible asynchronously).</summary>
    public static async Task EventuallyAsync(GateHost host, string phone, Reason expected, MessageKind kind = MessageKind.Commercial, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        Reason last;
        do
        {
            last = (await CheckAsync(host, kind, RecipientType.Bireysel, phone))[0];
            if (last == expected)
            {
                return;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"{phone}: expected {expected.Name()} within {seconds} s, still {last.Name()}");
    }
}
