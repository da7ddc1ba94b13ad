using Microsoft.Extensions.Configuration;

namespace SendGate.Cli.Commands;

/// <summary>
/// A command's configuration, read as the gate reads its own: a JSON file given by <c>--config</c> (e.g. the gate's
/// appsettings.json), then the environment (<c>Hashing__Key</c>, <c>Feed__Kafka__…</c>, <c>Iys__…</c>), then what
/// the command line sets, each over the one before.
/// </summary>
internal static class ToolConfiguration
{
    public static IConfiguration Build(FileInfo? file, IEnumerable<KeyValuePair<string, string?>>? commandLine = null)
    {
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            builder.AddJsonFile(file.FullName, optional: false);
        }

        builder.AddEnvironmentVariables();
        if (commandLine is not null)
        {
            builder.AddInMemoryCollection(commandLine);
        }

        return builder.Build();
    }
}
