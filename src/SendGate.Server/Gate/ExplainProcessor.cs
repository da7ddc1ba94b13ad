using System.Text;
using Google.Protobuf;
using SendGate.Access;
using SendGate.Audit;
using SendGate.Contracts;
using SendGate.Contracts.V1;
using SendGate.Core.Consent;
using SendGate.Core.Hashing;
using SendGate.Core.Policy;
using SendGate.Core.Recipients;
using SendGate.Index;
using SendGate.Server.Access;
using SendGate.Server.Observability;

namespace SendGate.Server.Gate;

/// <summary>Explain: one recipient's decision with the record and line closure it relied on, and a sentence saying which rule decided.</summary>
/// Explain is a permission of its own, with its own budget: it says more about one recipient than Check does.
internal sealed class ExplainProcessor(ConsentStore store, RecipientHasher hasher, GateRules rules, WatermarkSource watermarks,
    AccessGuard access, DecisionLog decisions, GateMetrics metrics, ShardGuard shard, TimeProvider clock)
{
    public Outcome<ExplainResponse> Explain(ExplainRequest request, GateClient client)
    {
        if (GateRules.Validate(request.BrandCode, (ulong)(long)request.Channel, (ulong)(long)request.RecipientType, out var channel, out var type) is { } invalid)
        {
            return invalid;
        }

        if (request.Recipient.Length > 0 == !request.RecipientKey.IsEmpty)
        {
            return Rejections.ExplainNeedsOneRecipient;
        }

        bool resolved = TryResolve(request, channel, out var recipient, out string normalized, out var error);
        if ((shard.Refuse(request.BrandCode) ?? (resolved ? shard.Refuse(request.BrandCode, recipient) : null)) is { } elsewhere)
        {
            return elsewhere;
        }

        if (access.AdmitExplain(client, request.IysCode, request.BrandCode, channel, request.RetailerCode) is { } refused)
        {
            return refused;
        }

        var response = resolved ? Answer(request, channel, type, recipient, normalized)
            : new ExplainResponse { Watermark = watermarks.Current.Message, Reason = Core.Domain.Reason.DeniedInvalidRecipient.ToWire(), Detail = "invalid recipient: " + error.Describe() };
        metrics.RecordExplain(client.Name);
        if (decisions.Enabled)
        {
            var watermark = watermarks.Current;
            decisions.Append(new DecisionRecord(
                clock.GetUtcNow(), "Explain", client.Name, string.Empty, request.IysCode, request.BrandCode, channel, type,
                GateRules.Kind((ulong)(long)request.Kind), 1, ReasonCounts.One((Core.Domain.Reason)(int)response.Reason), watermark.Audit, KeysDigest.Of(response.RecipientKey.Span)));
        }

        return response;
    }

    private ExplainResponse Answer(ExplainRequest request, Core.Domain.Channel channel, Core.Domain.RecipientType type, RecipientKey recipient, string normalized)
    {
        var context = rules.Context(request.IysCode, GateRules.Kind((ulong)(long)request.Kind));
        var response = new ExplainResponse { Watermark = watermarks.Current.Message };

        var key = new ConsentKey(request.BrandCode, channel, type, recipient);
        var lookup = store.Index.Lookup(key);
        var reason = DecisionPolicy.ForRetailer(DecisionPolicy.Decide(context, recipientValid: true, lookup.State, lookup.LineClosedAt), request.RetailerCode, store.Index.Retailers.Find(key));
        response.Reason = reason.ToWire();
        response.RecipientKey = ByteString.CopyFrom(recipient.ToArray());
        response.NormalizedRecipient = normalized;
        response.Detail = DecisionPolicy.Describe(reason, lookup.State, lookup.LineClosedAt);
        if (!lookup.State.IsNone)
        {
            response.Record = ToWire(store.Records.Find(key), lookup.State, store.Index.Retailers.Find(key));
        }

        if (!lookup.LineClosedAt.IsNone)
        {
            response.LineClosedAt = lookup.LineClosedAt.ToTimestamp();
        }

        return response;
    }

    private bool TryResolve(ExplainRequest request, Core.Domain.Channel channel, out RecipientKey recipient, out string normalized, out RecipientError error)
    {
        normalized = string.Empty;
        if (!request.RecipientKey.IsEmpty)
        {
            error = RecipientKey.TryFromBytes(request.RecipientKey.Span, out recipient) ? RecipientError.None : RecipientError.MalformedKey;
            return error == RecipientError.None;
        }

        Span<byte> buffer = stackalloc byte[RecipientNormalizer.MaxNormalizedLength];
        error = RecipientNormalizer.TryNormalize(request.Recipient.AsSpan(), channel, buffer, out int length);
        if (error != RecipientError.None)
        {
            recipient = default;
            return false;
        }

        normalized = Encoding.UTF8.GetString(buffer[..length]);
        recipient = hasher.HashNormalized(buffer[..length]);
        return true;
    }

    /// <summary>The full record when the store keeps it; else what the hot state says.</summary>
    private static Contracts.V1.ConsentRecord ToWire(Core.Consent.ConsentRecord? record, ConsentState state, RetailerRule? retailers)
    {
        var wire = new Contracts.V1.ConsentRecord
        {
            Status = state.Status.ToWire(),
            ConsentDate = state.ConsentDate.ToTimestamp(),
            LastModificationDate = state.ModifiedAt.ToTimestamp(),
        };
        if (record is not null && record.State == state)
        {
            wire.Source = record.Source;
            wire.TransactionId = record.TransactionId;
            wire.RetailerCode = record.RetailerCode;
            wire.IysCode = record.IysCode;
            wire.RetailerAccess.AddRange(record.RetailerAccess);
        }
        else if (retailers is not null)
        {
            // No full record kept (Index:Records=None): the hot retailer rule still says whose the consent is.
            wire.RetailerCode = retailers.Owner == 0 ? string.Empty : retailers.Owner.ToString(System.Globalization.CultureInfo.InvariantCulture);
            wire.RetailerAccess.AddRange(retailers.Access.Select(code => code.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return wire;
    }
}
