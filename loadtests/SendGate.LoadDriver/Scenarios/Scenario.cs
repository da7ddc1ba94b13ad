using SendGate.Contracts.V1;

namespace SendGate.LoadDriver.Scenarios;

/// <summary>How recipients are written in a scenario's requests.</summary>
internal enum RecipientForm
{
    /// <summary>Mobile numbers as people write them (+90…, 0532 …, (532) …): normalized and hashed by the gate.</summary>
    WrittenPhone,

    /// <summary>E-mail addresses in mixed case.</summary>
    Email,

    /// <summary>16-byte keys hashed by the caller with the gate's key (recipient_keys).</summary>
    PreHashedPhone,
}

/// <summary>
/// A named workload: what is asked (channel, recipient form, batch size) and how (unary Check or
/// CheckStream). Churn adds a steady stream of consent changes through Kafka while checking.
/// </summary>
internal sealed record Scenario(string Name, string Description, Channel Channel, RecipientForm Form, int Batch, bool Streaming, bool Churn)
{
    public static IReadOnlyList<Scenario> All { get; } =
    [
        new("sms-gateway", "unary Check, 500 written phone numbers per request, commercial, MESAJ", Channel.Mesaj, RecipientForm.WrittenPhone, 500, Streaming: false, Churn: false),
        new("mta-list", "CheckStream, 10,000 e-mail addresses per request, EPOSTA", Channel.Eposta, RecipientForm.Email, 10_000, Streaming: true, Churn: false),
        new("pre-hashed", "unary Check, 1,000 recipient_keys per request, MESAJ", Channel.Mesaj, RecipientForm.PreHashedPhone, 1_000, Streaming: false, Churn: false),
        new("churn", "sms-gateway while the Kafka feed applies a steady stream of consent changes", Channel.Mesaj, RecipientForm.WrittenPhone, 500, Streaming: false, Churn: true),
    ];

    public static Scenario? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
