using Grpc.Core;
using SendGate.Core.Domain;

namespace SendGate.Senders;

/// <summary>
/// The gate's answer for one recipient, or why there is none: <see cref="Failure"/> is the status of a Check the gate
/// did not answer (unreachable, deadline, refused our key), and then the recipient must be neither sent nor refused.
/// </summary>
public readonly record struct Verdict(Reason Reason, StatusCode? Failure)
{
    public static Verdict Unanswered(StatusCode status) => new(Reason.Unspecified, status);

    public bool IsAllowed => Failure is null && Reason.IsAllowed();

    /// <summary>Ask again later: the gate did not answer, its data is older than its staleness bound, or the brand's shard did not answer.</summary>
    public bool IsTemporary => Failure is not null || Reason is Reason.DeniedStaleIndex or Reason.DeniedShardUnavailable;

    /// <summary>A definite denial: the message must not go to this recipient.</summary>
    public bool IsDenied => !IsAllowed && !IsTemporary;
}
