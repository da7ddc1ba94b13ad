using System.CommandLine;
using System.Text;
using SendGate.Synthetic;

namespace SendGate.Cli.Commands;

/// <summary>
/// <c>sendgate generate --brands N --recipients M --seed S</c>: synthetic İYS JSON Lines (see
/// <see cref="ConsentFileGenerator"/>). <c>--closures K</c> adds line closures; <c>--examples</c>
/// starts with the documented cases of the README (brand 123457).
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var brands = new Option<int>("--brands") { Description = "Brands (codes from 123457 up, provider 123456)", DefaultValueFactory = _ => 3 };
        var recipients = new Option<long>("--recipients") { Description = "Recipients; tuples ≈ recipients × brands × 0.6", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same arguments give the same file", DefaultValueFactory = _ => 1 };
        var closures = new Option<long>("--closures") { Description = "Line closures to add", DefaultValueFactory = _ => -1 };
        var examples = new Option<bool>("--examples") { Description = "Start with the README's documented cases" };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write here instead of standard output" };
        var command = new Command("generate", "Generate an İYS JSON Lines consent file (synthetic, reproducible)") { brands, recipients, seed, closures, examples, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = parse.GetValue(output);
            await using var stream = target is null ? Console.OpenStandardOutput() : File.Create(target.FullName);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 20);
            long closureCount = parse.GetValue(closures) is var c and >= 0 ? c : parse.GetValue(recipients) / 100;
            var counts = ConsentFileGenerator.Generate(writer, parse.GetValue(brands), parse.GetValue(recipients), parse.GetValue(seed), closureCount, parse.GetValue(examples), cancellationToken);
            await writer.FlushAsync(cancellationToken);
            await parse.InvocationConfiguration.Error.WriteLineAsync($"generated {counts.Lines} lines: {counts.Records} consent records, {counts.Closures} line closures");
            return 0;
        });
        return command;
    }
}
