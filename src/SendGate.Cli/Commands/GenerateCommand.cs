using System.CommandLine;
using System.Text;
using SendGate.Synthetic;
using SendGate.Terminal;

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
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress (a bar on a terminal, a line every 5 s otherwise)" };
        var command = new Command("generate", "Generate an İYS JSON Lines consent file (synthetic, reproducible)") { brands, recipients, seed, closures, examples, output, quiet };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = parse.GetValue(output);
            await using var stream = target is null ? Console.OpenStandardOutput() : File.Create(target.FullName);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 20);
            long closureCount = parse.GetValue(closures) is var c and >= 0 ? c : parse.GetValue(recipients) / 100;
            long total = parse.GetValue(recipients);
            var done = new LatestValue();
            (long Lines, long Records, long Closures) counts;
            await using (parse.GetValue(quiet) ? null : ProgressDisplay.Start("generating", parse.InvocationConfiguration.Error, () => new ProgressSample(total == 0 ? 1 : (double)done.Value / total, $"{done.Value:N0} of {total:N0} recipients"), TimeSpan.FromSeconds(5)))
            {
                counts = ConsentFileGenerator.Generate(writer, parse.GetValue(brands), total, parse.GetValue(seed), closureCount, parse.GetValue(examples), cancellationToken, done);
                done.Report(total);
            }

            await writer.FlushAsync(cancellationToken);
            await parse.InvocationConfiguration.Error.WriteLineAsync($"generated {counts.Lines} lines: {counts.Records} consent records, {counts.Closures} line closures");
            return 0;
        });
        return command;
    }
}
