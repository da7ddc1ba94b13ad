namespace SendGate.Access.Redis;

/// <summary>What a replica does when Redis does not answer.</summary>
public enum WhenUnavailable
{
    /// <summary>Each replica falls back to a budget of its own (the full grant each: fleet-wide over-admission while Redis is down).</summary>
    Local,

    /// <summary>Refuse what the leased slices cannot cover (RESOURCE_EXHAUSTED): never more than the grant, at the cost of serving.</summary>
    Refuse,
}

/// <summary>Section <c>Access:SharedLimits</c>: fleet-wide client budgets in Redis.</summary>
public sealed class SharedLimitsOptions
{
    public const string SectionName = "Access:SharedLimits";

    /// <summary>A StackExchange.Redis connection string (<c>redis:6379,password=…,ssl=true</c>); unset: every replica budgets alone.</summary>
    public string? Redis { get; set; }

    public WhenUnavailable WhenUnavailable { get; set; } = WhenUnavailable.Local;

    /// <summary>
    /// A replica leases this much of a client's rate at a time (at least one batch): the hot path takes from the lease
    /// in memory, and Redis is asked once per slice. Larger: fewer round trips, more budget idle in other replicas' leases.
    /// </summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Prefix of the budget keys (<c>{prefix}budget:{client}:{recipients|explains}</c>): one per fleet sharing a Redis.</summary>
    public string KeyPrefix { get; set; } = "sendgate:";

    /// <summary>How long a Redis call may take before the replica treats Redis as unavailable.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(500);

    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);

    public IEnumerable<string> Problems()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (LeaseTime <= TimeSpan.Zero || LeaseTime > TimeSpan.FromSeconds(10))
        {
            yield return $"{SectionName}:LeaseTime must be between 0 and 10 s.";
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:Timeout must be positive.";
        }

        if (string.IsNullOrEmpty(KeyPrefix))
        {
            yield return $"{SectionName}:KeyPrefix must not be empty.";
        }
    }
}
