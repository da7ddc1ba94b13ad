namespace SendGate.Kafka;

/// <summary>
/// OptOut — refusals the sender received (Gate.RecordOptOut), on their way to İYS: the topic they wait on, and the
/// key that seals their addresses (shared by the gates and the İYS connector only; give it as OptOut__SealingKey
/// from a secret).
/// </summary>
public sealed class OptOutOptions
{
    public const string SectionName = "OptOut";

    /// <summary>The opt-out topic (delete policy; its retention bounds how long a sealed address exists).</summary>
    public string Topic { get; set; } = "sendgate.optouts";

    /// <summary>32 random bytes, base64: seals the addresses İYS needs.</summary>
    public string? SealingKey { get; set; }
}
