namespace SendGate.Architecture.Tests;

/// <summary>The checkout these tests run in, and its C# sources (generated ones in obj/ and bin/ left out).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>Every project directory under <c>src/</c>.</summary>
    public static IEnumerable<string> SourceProjects() => Directory.EnumerateDirectories(Path.Combine(Root, "src")).Where(dir => Directory.EnumerateFiles(dir, "*.csproj").Any()).Order(StringComparer.Ordinal);

    /// <summary>The project's own C# files.</summary>
    public static IEnumerable<string> Sources(string project) => Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
        .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    public static string Relative(string path) => Path.GetRelativePath(Root, path);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SendGate.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SendGate.sln not found above " + AppContext.BaseDirectory);
    }
}
