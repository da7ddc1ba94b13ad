namespace SendGate.Access;

public enum Refusal
{
    None,

    /// <summary>The client holds no grant for the (iysCode, brand, channel) asked about, or may not Explain.</summary>
    NotGranted,

    /// <summary>More recipients in one request than the client's batch cap.</summary>
    BatchTooLarge,

    /// <summary>The client's recipients-per-second (or Explain) budget is spent for now.</summary>
    RateLimited,
}

/// <summary>Whether a call may proceed; when refused for rate, how long until it could.</summary>
public readonly record struct Admission(Refusal Refusal, TimeSpan RetryAfter = default, long Limit = 0)
{
    public static Admission Admitted => default;

    public bool IsAdmitted => Refusal == Refusal.None;
}
