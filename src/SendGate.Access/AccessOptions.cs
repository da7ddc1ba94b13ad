using System.ComponentModel.DataAnnotations;
using SendGate.Core.Domain;

namespace SendGate.Access;

public enum AccessMode
{
    /// <summary>Off when every gRPC endpoint is on loopback (with a warning), required otherwise.</summary>
    Auto,

    /// <summary>Every call needs a known client with a grant covering it.</summary>
    Required,

    /// <summary>Anyone who can reach the port may ask anything (logged as a warning at start).</summary>
    Off,
}

/// <summary>Client authentication, authorization and abuse limits (section <c>Access</c>).</summary>
public sealed class AccessOptions
{
    public const string SectionName = "Access";

    public AccessMode Mode { get; set; } = AccessMode.Auto;

    /// <summary>Serve grpc.health.v1 to unauthenticated callers (load balancers, orchestrators probe it).</summary>
    public bool OpenHealth { get; set; } = true;

    /// <summary>Serve grpc.reflection to unauthenticated callers (it lists methods and messages, no data).</summary>
    public bool OpenReflection { get; set; }

    /// <summary>The clients, by name (the name appears in metrics and the decision log).</summary>
    public Dictionary<string, ClientOptions> Clients { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One client: how it proves who it is, what it may ask, and how fast.</summary>
public sealed class ClientOptions
{
    /// <summary>SHA-256 of each API key the client may present, hex (<c>sendgate client-key</c> prints both). Several allow rotation.</summary>
    public string[] KeyHashes { get; set; } = [];

    /// <summary>Client-certificate subjects (e.g. <c>CN=acme-sms, O=Acme</c>) that identify this client over mutual TLS.</summary>
    public string[] CertificateSubjects { get; set; } = [];

    /// <summary>What the client may check: iysCode, brands (none listed: every brand of the iysCode), channels.</summary>
    public GrantOptions[] Grants { get; set; } = [];

    /// <summary>
    /// The retailers (bayi; İYS's integer codes) this client acts for. Empty: the brand itself (and any retailer).
    /// Set: every Check and Explain must name one of them in retailer_code, and is answered for that retailer only.
    /// </summary>
    public uint[] Retailers { get; set; } = [];

    /// <summary>May call Explain (a record's details: source, dates) within its grants.</summary>
    public bool Explain { get; set; }

    /// <summary>Sustained recipients per second across Check and CheckStream.</summary>
    [Range(1, long.MaxValue)]
    public long RecipientsPerSecond { get; set; } = 2_000_000;

    /// <summary>Recipients the client may send at once above the sustained rate (default: one second's worth).</summary>
    [Range(1, long.MaxValue)]
    public long? Burst { get; set; }

    /// <summary>Explain calls per minute.</summary>
    [Range(1, int.MaxValue)]
    public int ExplainPerMinute { get; set; } = 60;

    /// <summary>Recipients per request for this client (default: Limits:MaxBatch).</summary>
    [Range(1, int.MaxValue)]
    public int? MaxBatch { get; set; }
}

/// <summary>A grant: one provider (iysCode), some or all of its brands, some channels.</summary>
public sealed class GrantOptions
{
    [Range(1, uint.MaxValue)]
    public uint IysCode { get; set; }

    /// <summary>Brand codes; empty means every brand of <see cref="IysCode"/>.</summary>
    public uint[] Brands { get; set; } = [];

    /// <summary>MESAJ, ARAMA, EPOSTA; at least one.</summary>
    public Channel[] Channels { get; set; } = [];
}
