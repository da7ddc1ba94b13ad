using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using SendGate.Core.Domain;
using SendGate.Core.Policy;
using SendGate.Feed.Status;
using SendGate.Grpc;
using SendGate.Server.Hosting;

namespace SendGate.Server.Gate;

/// <summary>What Check and Explain share: request validation and the per-request decision context.</summary>
internal sealed class GateRules(IOptions<PolicyOptions> policy, IOptions<LimitsOptions> limits, FeedStatus status, TimeProvider clock)
{
    private readonly FrozenSet<uint> _exempt = policy.Value.ExemptIysCodes.ToFrozenSet();
    private readonly TimeSpan _maxStaleness = policy.Value.MaxStaleness;
    private readonly bool _failClosed = policy.Value.FailClosed;

    public int MaxBatch { get; } = limits.Value.MaxBatch;

    /// <summary>True when the data is older than the staleness bound and fail-closed is on.</summary>
    public bool IsStale
    {
        get
        {
            if (!_failClosed)
            {
                return false;
            }

            var fresh = status.Current.FreshAsOf;
            return fresh is null || clock.GetUtcNow() - fresh.Value > _maxStaleness;
        }
    }

    public DecisionContext Context(uint iysCode, MessageKind kind) => DecisionContext.Create(kind, _exempt.Contains(iysCode), IsStale);

    /// <summary>The channel, brand and recipient type of a request, or INVALID_ARGUMENT saying what to fix.</summary>
    public static (Channel Channel, RecipientType Type) Validate(uint brandCode, ulong channel, ulong recipientType)
    {
        var parsedChannel = channel <= 3 ? (Channel)channel : (Channel)byte.MaxValue;
        if (!parsedChannel.IsDefined())
        {
            throw new GrpcException(StatusCode.InvalidArgument, "channel is required: CHANNEL_MESAJ, CHANNEL_ARAMA or CHANNEL_EPOSTA.");
        }

        if (brandCode == 0)
        {
            throw new GrpcException(StatusCode.InvalidArgument, "brand_code is required: the İYS brand code the consent is held for.");
        }

        var type = recipientType <= 2 ? ((RecipientType)recipientType).Normalize() : RecipientType.Unspecified;
        if (type == RecipientType.Unspecified)
        {
            throw new GrpcException(StatusCode.InvalidArgument, "recipient_type must be RECIPIENT_TYPE_BIREYSEL or RECIPIENT_TYPE_TACIR (or unset for BIREYSEL).");
        }

        return (parsedChannel, type);
    }

    public static MessageKind Kind(ulong kind) => kind <= 2 ? ((MessageKind)kind).Normalize() : MessageKind.Commercial;
}
