using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using SendGate.Access;
using SendGate.Contracts;
using SendGate.Contracts.V1;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Core.Recipients;
using SendGate.Kafka;
using SendGate.Server.Access;
using ConsentStatus = SendGate.Core.Domain.ConsentStatus;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using SendGate.Server.Observability;

namespace SendGate.Server.Gate;

/// <summary>Where recorded refusals go: the publisher and seal when the gate is set up for them, else why not.</summary>
internal sealed record OptOutSetup(OptOutPublisher? Publisher, AddressSeal? Seal, string? Problem);

/// <summary>
/// RecordOptOut without a transport: validates the refusal (an HS_* source, a time not in the future and not before
/// the law), admits it as a one-recipient call of the client's, normalizes and hashes the address, seals it for the
/// İYS connector, and has both records acknowledged by Kafka before answering. The id is derived from the refusal,
/// so a retried call records the same refusal, not a second one.
/// </summary>
internal sealed partial class OptOutProcessor(OptOutSetup setup, RecipientHasher hasher, FeedEventFactory factory, AccessGuard access, TimeProvider clock, ILogger<OptOutProcessor> logger)
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public async Task<Outcome<RecordOptOutResponse>> RecordAsync(RecordOptOutRequest request, GateClient client, CancellationToken cancellationToken)
    {
        if (GateRules.Validate(request.BrandCode, (ulong)(long)request.Channel, (ulong)(long)request.RecipientType, out var channel, out var type) is { } invalid)
        {
            return invalid;
        }

        if (request.IysCode == 0)
        {
            return new Rejection(RejectionKind.InvalidRequest, "iys_code is required: the provider's İYS code, which the refusal is recorded under.");
        }

        if (setup.Publisher is null || setup.Seal is null)
        {
            return new Rejection(RejectionKind.NotConfigured, setup.Problem!);
        }

        if (!request.Source.StartsWith("HS_", StringComparison.Ordinal))
        {
            return new Rejection(RejectionKind.InvalidRequest, "source must be one of İYS's provider sources, HS_* (HS_MESAJ for a reply, HS_WEB for an unsubscribe link, HS_CAGRI_MERKEZI for a call centre).");
        }

        var now = clock.GetUtcNow();
        var refusedAt = request.RefusedAt?.ToDateTimeOffset() ?? now;
        if (refusedAt > now + ClockSkew || !ConsentTime.TryFromDateTimeOffset(refusedAt, out var refused) || refused < ConsentTime.EarliestValid)
        {
            return new Rejection(RejectionKind.InvalidRequest, "refused_at must not be in the future nor before 2015-05-01 (İYS's first day); leave it unset for now.");
        }

        if (access.AdmitCheck(client, "RecordOptOut", request.IysCode, request.BrandCode, channel, 1, int.MaxValue, retailer: null) is { } refusedCall)
        {
            return refusedCall;
        }

        Span<byte> normalized = stackalloc byte[RecipientNormalizer.MaxNormalizedLength];
        var error = RecipientNormalizer.TryNormalize(request.Recipient.AsSpan(), channel, normalized, out int length);
        if (error != RecipientError.None)
        {
            return new Rejection(RejectionKind.InvalidRequest, "recipient: " + error.Describe());
        }

        normalized = normalized[..length];
        var key = hasher.HashNormalized(normalized);
        byte[] keyBytes = key.ToArray();
        var input = new ConsentChangeInput
        {
            IysCode = request.IysCode,
            BrandCode = request.BrandCode,
            Channel = channel,
            RecipientType = type,
            Status = ConsentStatus.Ret,
            ConsentDate = refused,
            ModifiedAt = refused,
            Recipient = RecipientInput.FromKey(keyBytes, hasher.KeyId),
            Source = request.Source,
        };
        var problem = factory.TryCreate(input, out var change);
        if (problem != FeedEventError.None)
        {
            return new Rejection(RejectionKind.InvalidRequest, problem.Describe());
        }

        string id = Id(request.BrandCode, channel, type, keyBytes, refused, request.Source);
        var record = new OptOutRecorded
        {
            OptOutId = id,
            IysCode = request.IysCode,
            BrandCode = request.BrandCode,
            Channel = channel.ToWire(),
            RecipientType = type.ToWire(),
            RecipientKey = ByteString.CopyFrom(keyBytes),
            KeyId = hasher.KeyId,
            SealedRecipient = ByteString.CopyFrom(setup.Seal.Seal(normalized, Encoding.UTF8.GetBytes(id))),
            Source = request.Source,
            RefusedAt = Timestamp.FromDateTimeOffset(refused.ToDateTimeOffset()),
            RecordedAt = Timestamp.FromDateTimeOffset(now),
        };
        try
        {
            await setup.Publisher.PublishAsync(record, change! with { Record = change!.Record with { TransactionId = "optout-" + id } }, cancellationToken);
        }
        catch (KafkaException exception)
        {
            ServerLog.OptOutNotRecorded(logger, request.BrandCode, channel, id, exception.Error.Reason);
            return new Rejection(RejectionKind.Unavailable, $"The refusal could not be written to Kafka ({exception.Error.Reason}); retry: the same refusal keeps its id {id}.", TimeSpan.FromSeconds(1));
        }

        ServerLog.OptOutRecorded(logger, request.BrandCode, channel, type, id, request.Source);
        return new RecordOptOutResponse { RecipientKey = ByteString.CopyFrom(keyBytes), OptOutId = id };
    }

    /// <summary>The refusal's id: the same brand, channel, type, recipient, time and source give the same id.</summary>
    private static string Id(uint brand, Core.Domain.Channel channel, Core.Domain.RecipientType type, byte[] key, ConsentTime refused, string source)
    {
        string text = string.Create(CultureInfo.InvariantCulture, $"{brand}|{(int)channel}|{(int)type}|{Convert.ToHexString(key)}|{refused.Seconds}|{source}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))[..16]);
    }

}
