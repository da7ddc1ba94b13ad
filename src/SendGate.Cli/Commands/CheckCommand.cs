using System.CommandLine;
using Grpc.Core;
using SendGate.Contracts.V1;

namespace SendGate.Cli.Commands;

/// <summary><c>sendgate check --brand 123457 --channel MESAJ 05321234567 ...</c>: one line per recipient with its reason.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var recipients = new Argument<string[]>("recipients") { Description = "Phone numbers or e-mail addresses as written", Arity = ArgumentArity.ZeroOrMore };
        var file = new Option<FileInfo?>("--file", "-f") { Description = "Read recipients from a file, one per line (in addition to arguments)" };
        var batch = new Option<int>("--batch") { Description = "Recipients per request", DefaultValueFactory = _ => 1000 };
        var command = new Command("check", "Ask the gate which recipients may receive the message, and why") { recipients, file, batch };
        GateConnection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var all = parse.GetValue(recipients)!.ToList();
            if (parse.GetValue(file) is { } input)
            {
                all.AddRange((await File.ReadAllLinesAsync(input.FullName, cancellationToken)).Where(l => l.Trim().Length > 0));
            }

            if (all.Count == 0)
            {
                parse.InvocationConfiguration.Error.WriteLine("error: no recipients (give them as arguments or with --file)");
                return 2;
            }

            using var channel = GateConnection.OpenChannel(parse);
            var gate = new Gate.GateClient(channel);
            int allowed = 0;
            var totals = new SortedDictionary<string, int>(StringComparer.Ordinal);
            try
            {
                foreach (var chunk in all.Chunk(Math.Max(1, parse.GetValue(batch))))
                {
                    var request = GateConnection.Request(parse);
                    request.Recipients.AddRange(chunk);
                    var response = await gate.CheckAsync(request, GateConnection.CallOptions(parse, cancellationToken));
                    for (int i = 0; i < chunk.Length; i++)
                    {
                        string reason = GateConnection.ReasonName(response.Reasons[i]);
                        parse.InvocationConfiguration.Output.WriteLine($"{chunk[i],-32} {reason}");
                        totals[reason] = totals.GetValueOrDefault(reason) + 1;
                    }

                    allowed += (int)response.Allowed;
                }
            }
            catch (RpcException error)
            {
                return GateConnection.Fail(parse, error);
            }

            parse.InvocationConfiguration.Output.WriteLine($"-- {allowed} of {all.Count} allowed; " + string.Join(", ", totals.Select(t => $"{t.Key} {t.Value}")));
            return 0;
        });
        return command;
    }
}
