using System.ComponentModel.DataAnnotations;

namespace SendGate.Feed.File;

/// <summary>The JSON Lines file feed (configuration section <c>Feed:File</c>).</summary>
public sealed class FileFeedOptions
{
    public const string SectionName = "Feed:File";

    /// <summary>An İYS JSON Lines file (also <c>--consents FILE</c>).</summary>
    public string? Path { get; set; }

    /// <summary>How often the file is checked for appended lines; each check also confirms the gate is current.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
