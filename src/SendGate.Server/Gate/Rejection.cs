namespace SendGate.Server.Gate;

/// <summary>Why a call is refused, in the gate's terms; the service layer maps each kind to a gRPC status.</summary>
internal enum RejectionKind
{
    /// <summary>The request itself is wrong (missing or contradictory fields, too many recipients for the gate).</summary>
    InvalidRequest,

    /// <summary>The request is well formed but cannot be answered as sent (keys made with another hashing key).</summary>
    WrongHashingKey,

    /// <summary>No valid credentials.</summary>
    Unauthenticated,

    /// <summary>The caller is not granted what the request names.</summary>
    NotGranted,

    /// <summary>The caller's rate, burst or batch cap refuses the request (retry after <see cref="Rejection.RetryAfter"/> when it can help).</summary>
    OverLimit,

    /// <summary>The gate is not set up for what the request asks (RecordOptOut without Kafka or a sealing key).</summary>
    NotConfigured,

    /// <summary>A dependency (Kafka) did not take the request; retrying the same request is safe.</summary>
    Unavailable,

    /// <summary>A shard asked about a brand another shard serves: ask that one (the same request, elsewhere).</summary>
    WrongShard,
}

/// <summary>
/// A refused Check or Explain without a transport: the kind, the sentence the caller reads, and
/// for a rate limit when a retry can succeed (null: retrying the same request cannot).
/// </summary>
internal sealed record Rejection(RejectionKind Kind, string Sentence, TimeSpan? RetryAfter = null);

/// <summary>An answer or the refusal that took its place.</summary>
internal readonly struct Outcome<T>
    where T : class
{
    private Outcome(T? answer, Rejection? rejection)
    {
        Answer = answer;
        Rejection = rejection;
    }

    public T? Answer { get; }

    public Rejection? Rejection { get; }

    public static implicit operator Outcome<T>(T answer) => new(answer, null);

    public static implicit operator Outcome<T>(Rejection rejection) => new(null, rejection);
}
