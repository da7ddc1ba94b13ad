using System.Text.RegularExpressions;

namespace SendGate.Architecture.Tests;

/// <summary>
/// Operators page on log event ids: within an assembly each id means one thing, so each is defined once, with an
/// explicit number, in the assembly's one log registry (grpc-dotnet's <c>*Log</c> classes are the model).
/// </summary>
public sealed partial class LogEventIdTests
{
    public static TheoryData<string> Projects() => [.. Repository.SourceProjects().Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(Projects))]
    public void EachEventId_IsDefinedOnce_Explicitly_InTheAssemblysOneLogRegistry(string project)
    {
        var events = Repository.Sources(Path.Combine(Repository.Root, "src", project))
            .SelectMany(file => Attribute().Matches(File.ReadAllText(file)).Select(match => (File: Repository.Relative(file), Attribute: match.Value, Id: Id(match.Value))))
            .ToList();

        Assert.All(events, e => Assert.True(e.Id is not null, $"{e.File}: {e.Attribute} has no event id"));
        var repeated = events.GroupBy(e => e.Id).Where(group => group.Count() > 1).Select(group => $"{group.Key} in {string.Join(", ", group.Select(e => e.File))}").ToList();
        Assert.True(repeated.Count == 0, "event ids defined twice: " + string.Join("; ", repeated));
        var registries = events.Select(e => e.File).Distinct().ToList();
        Assert.True(registries.Count <= 1, $"{project} defines log events in {registries.Count} files: {string.Join(", ", registries)} (one registry per assembly)");
    }

    private static string? Id(string attribute) =>
        EventId().Match(attribute) is { Success: true } named ? named.Groups[1].Value
        : Positional().Match(attribute) is { Success: true } first ? first.Groups[1].Value
        : null;

    [GeneratedRegex(@"\[LoggerMessage\([^\]]*\)\]", RegexOptions.Singleline)]
    private static partial Regex Attribute();

    [GeneratedRegex(@"EventId\s*=\s*(\d+)")]
    private static partial Regex EventId();

    [GeneratedRegex(@"^\[LoggerMessage\(\s*(\d+)\s*,")]
    private static partial Regex Positional();
}
