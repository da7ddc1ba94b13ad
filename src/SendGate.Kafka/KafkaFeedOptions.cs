using System.ComponentModel.DataAnnotations;

namespace SendGate.Kafka;

/// <summary>
/// Feed:Kafka — where the consent change stream is and how to read it. Every librdkafka
/// property can be set under <see cref="Properties"/> and is passed through unchanged (that is
/// where a 0.9 broker's <c>api.version.request=false</c> and <c>broker.version.fallback=0.9.0.1</c>
/// go); the named settings here win over the same property set there.
/// </summary>
public sealed class KafkaFeedOptions
{
    public const string SectionName = "Feed:Kafka";

    [Required(ErrorMessage = "Feed:Kafka:BootstrapServers is required with Feed:Kind=Kafka (host:port[,host:port...]).")]
    public string? BootstrapServers { get; set; }

    [Required]
    public string Topic { get; set; } = "sendgate.consents";

    [Required]
    public string DeadLetterTopic { get; set; } = "sendgate.consents.dlq";

    /// <summary>
    /// The group the gate commits its applied offsets under — for monitoring lag with standard
    /// tools only: every replica reads every partition (it holds the whole index), so replicas
    /// must not share a group. Default: sendgate-&lt;host name&gt;.
    /// </summary>
    public string? GroupId { get; set; }

    /// <summary>Raw librdkafka properties (consumer, producer and admin client alike).</summary>
    public Dictionary<string, string> Properties { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A command-line tool's settings: Feed:Kafka from its configuration, then its <c>--bootstrap</c>,
    /// <c>--topic</c> and <c>-X NAME=VALUE</c> on top; the broker defaults to 127.0.0.1:9092.
    /// </summary>
    /// <exception cref="FormatException">A property that is not NAME=VALUE; the message names it.</exception>
    public static KafkaFeedOptions ForTool(Microsoft.Extensions.Configuration.IConfiguration configuration, string? bootstrap, string? topic, IEnumerable<string> properties)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(properties);
        var options = new KafkaFeedOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(SectionName), options);
        options.BootstrapServers = bootstrap ?? (string.IsNullOrWhiteSpace(options.BootstrapServers) ? "127.0.0.1:9092" : options.BootstrapServers);
        options.Topic = topic ?? options.Topic;
        foreach (string property in properties)
        {
            if (!options.TrySetProperty(property))
            {
                throw new FormatException($"--property '{property}': expected NAME=VALUE");
            }
        }

        return options;
    }

    /// <summary>Sets a property from the command-line form <c>NAME=VALUE</c> (tools' <c>-X</c>); false when it is not of that form.</summary>
    public bool TrySetProperty(string assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        int equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return false;
        }

        Properties[assignment[..equals]] = assignment[(equals + 1)..];
        return true;
    }

    /// <summary>How often the gate asks the broker for the partitions' ends to confirm it is current.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan FreshnessInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one broker request (metadata, end offsets, a dead letter) may take before it is retried.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How publishers (sendgate publish, the İYS connector, a gate's own RETs) place changes: by the consent key's
    /// hash (default), or on the brand's partition (<see cref="Core.Domain.BrandPlacement"/>, line closures on
    /// <see cref="ClosureTopic"/>), which sharded gates (Shard:Partitions) need. Choose before the topic's first
    /// event: a topic mixing both placements spreads a tuple's history over two partitions.
    /// </summary>
    public ConsentPlacement Placement { get; set; } = ConsentPlacement.Key;

    /// <summary>
    /// The topic line closures are published to and read from, beside <see cref="Topic"/>: one partition, read
    /// whole by every gate, shard or not (a closure has no brand, and voids the recipient's consents of every
    /// brand). Unset: with Placement=Brand, "&lt;Topic&gt;.closures"; with Placement=Key, none — closures go on the
    /// consent topic with everything else. Closures combine by time (<see cref="Core.Consent.LineClosureRule"/>),
    /// so reading them from a second topic, in no order relative to the consents, gives the same state.
    /// </summary>
    public string? ClosureTopic { get; set; }

    /// <summary>Where closures are, per <see cref="ClosureTopic"/>; null: on the consent topic.</summary>
    public string? EffectiveClosureTopic => !string.IsNullOrWhiteSpace(ClosureTopic) ? ClosureTopic
        : Placement == ConsentPlacement.Brand ? Topic + ".closures" : null;

    /// <summary>
    /// With Placement=Brand: brands too big for one shard, by brand code, and how many partitions each spreads its
    /// recipients over (<see cref="Core.Domain.PlacementMap"/>). Publishers, gates and clients must agree on it.
    /// </summary>
    public Dictionary<string, int> SlicedBrands { get; } = new(StringComparer.Ordinal);

    /// <summary>The placement for a topic of <paramref name="partitions"/> partitions.</summary>
    /// <exception cref="FormatException">A sliced brand that is not an integer brand code.</exception>
    public Core.Domain.PlacementMap PlacementMap(int partitions) => new(partitions, SlicedBrands.ToDictionary(
        entry => uint.TryParse(entry.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint brand) ? brand
            : throw new FormatException($"Feed:Kafka:SlicedBrands: '{entry.Key}' is not a brand code."),
        entry => entry.Value));

    public string EffectiveGroupId => string.IsNullOrWhiteSpace(GroupId) ? "sendgate-" + Environment.MachineName.ToLowerInvariant() : GroupId;
}

/// <summary>How the consent topic's events are placed on its partitions (Feed:Kafka:Placement).</summary>
public enum ConsentPlacement
{
    /// <summary>By the message key's hash: spreads evenly; every gate must read every partition.</summary>
    Key,

    /// <summary>By brand: each brand on one partition, closures on a topic of their own; shards serve brands whole.</summary>
    Brand,
}
