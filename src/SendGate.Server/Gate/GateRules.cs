using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using SendGate.Core.Domain;
using SendGate.Core.Policy;
using SendGate.Feed.Status;
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

    /// <summary>The channel and recipient type of a request, or the refusal saying what to fix.</summary>
    public static Rejection? Validate(uint brandCode, ulong channel, ulong recipientType, out Channel parsedChannel, out RecipientType type)
    {
        parsedChannel = channel <= EnumBounds<Channel>.Highest ? (Channel)channel : (Channel)byte.MaxValue;
        type = recipientType <= EnumBounds<RecipientType>.Highest ? ((RecipientType)recipientType).Normalize() : RecipientType.Unspecified;
        if (!parsedChannel.IsDefined())
        {
            return Rejections.ChannelRequired;
        }

        if (brandCode == 0)
        {
            return Rejections.BrandRequired;
        }

        return type == RecipientType.Unspecified ? Rejections.RecipientTypeInvalid : null;
    }

    public static MessageKind Kind(ulong kind) => kind <= EnumBounds<MessageKind>.Highest ? ((MessageKind)kind).Normalize() : MessageKind.Commercial;
}
