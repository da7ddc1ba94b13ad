using System.ComponentModel.DataAnnotations;

namespace SendGate.Audit;

/// <summary>The decision log (section <c>DecisionLog</c>): off unless a directory or a topic is set.</summary>
public sealed class DecisionLogOptions
{
    public const string SectionName = "DecisionLog";

    /// <summary>Directory for rotating JSON Lines files (decisions-*.jsonl).</summary>
    public string? Directory { get; set; }

    /// <summary>Kafka topic for the records (Feed:Kafka's brokers and properties), keyed by client.</summary>
    public string? Topic { get; set; }

    /// <summary>Records waiting to be written; when full, new records are dropped and counted (never waited for).</summary>
    [Range(1024, 16_777_216)]
    public int Capacity { get; set; } = 65_536;

    /// <summary>A file is closed and a new one started at this size.</summary>
    [Range(4096, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Files kept; the oldest beyond this are deleted (ship them elsewhere first if they must be kept longer).</summary>
    [Range(1, 1_000_000)]
    public int MaxFiles { get; set; } = 100;

    public bool Enabled => !string.IsNullOrWhiteSpace(Directory) || !string.IsNullOrWhiteSpace(Topic);
}
