using System.ComponentModel.DataAnnotations;

namespace SendGate.Server.Hosting;

/// <summary>Decision policy settings (section <c>Policy</c>).</summary>
public sealed class PolicyOptions
{
    public const string SectionName = "Policy";

    /// <summary>Providers (iysCodes) allowed to send without consent: public bodies, professional bodies, schools… (DOMAIN.md).</summary>
    public uint[] ExemptIysCodes { get; set; } = [];

    /// <summary>How old the gate's data may get (since it last confirmed it was current with its feed) before commercial checks are denied.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Deny commercial sends (REASON_DENIED_STALE_INDEX) when the data is stale. Informational and exempt traffic is served regardless.</summary>
    public bool FailClosed { get; set; } = true;
}

/// <summary>Request limits (section <c>Limits</c>).</summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Recipients per Check request; larger requests get INVALID_ARGUMENT.</summary>
    [Range(1, 10_000_000)]
    public int MaxBatch { get; set; } = 100_000;
}

/// <summary>The recipient hashing key (section <c>Hashing</c>).</summary>
public sealed class HashingOptions
{
    public const string SectionName = "Hashing";

    /// <summary>16 random bytes, base64 (<c>openssl rand -base64 16</c>). Never logged.</summary>
    public string? Key { get; set; }
}

public enum RecordStoreKind
{
    /// <summary>
    /// <see cref="Memory"/> for an index sized for at most <see cref="IndexOptions.AutoMemoryRecordsUpTo"/>
    /// tuples, <see cref="None"/> beyond: full records in memory cost ~250 B a tuple and garbage
    /// collections that grow with them, so at national scale they belong in FASTER (<c>--data</c>).
    /// </summary>
    Auto,

    /// <summary>Full records in memory (about 200 bytes each): Explain shows source, transaction id, retailer.</summary>
    Memory,

    /// <summary>No records: Explain shows what the hot index holds (status, dates).</summary>
    None,
}

/// <summary>The hot index (section <c>Index</c>).</summary>
public sealed class IndexOptions
{
    public const string SectionName = "Index";

    /// <summary>Tuples to size the index for; by default estimated from the consent file's size.</summary>
    [Range(1024, long.MaxValue)]
    public long? ExpectedTuples { get; set; }

    [Range(1024, long.MaxValue)]
    public long ExpectedClosures { get; set; } = 1 << 16;

    [Range(0.5, 0.97)]
    public double MaxLoadFactor { get; set; } = 0.9;

    /// <summary>Where Explain's full records live without durable state; with <c>--data</c> they are in FASTER whatever this says.</summary>
    public RecordStoreKind Records { get; set; } = RecordStoreKind.Auto;

    /// <summary>The largest index <see cref="RecordStoreKind.Auto"/> keeps records in memory for (~500 MiB of records).</summary>
    public const long AutoMemoryRecordsUpTo = 2_000_000;
}

public enum FeedKind
{
    /// <summary>An İYS JSON Lines file, loaded at start and followed (the embedded default).</summary>
    File,

    /// <summary>The Kafka consent topic (Feed:Kafka).</summary>
    Kafka,
}

/// <summary>Where changes come from (section <c>Feed</c>; the source's own settings are in Feed:File and Feed:Kafka).</summary>
public sealed class FeedOptions
{
    public const string SectionName = "Feed";

    public FeedKind Kind { get; set; } = FeedKind.File;
}
