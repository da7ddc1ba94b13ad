using System.CommandLine;
using SendGate.Client;
using SendGate.Grpc;

namespace SendGate.Cli.Commands;

/// <summary>
/// <c>sendgate filter --in list.txt --out allowed.txt ...</c>: the pre-send filter an MTA or SMS
/// platform runs on a whole list — keeps the recipients the gate allows, streaming batches over
/// one CheckStream call, and reports what was dropped and why.
/// </summary>
internal static class FilterCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--in") { Description = "Recipients, one per line", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the allowed recipients", Required = true };
        var batch = new Option<int>("--batch") { Description = "Recipients per request", DefaultValueFactory = _ => 10_000 };
        var command = new Command("filter", "Keep only the recipients the gate allows (a list in, the allowed part out)") { input, output, batch };
        GateConnection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var lines = (await File.ReadAllLinesAsync(parse.GetRequiredValue(input).FullName, cancellationToken)).Where(l => l.Trim().Length > 0).ToArray();
            using var client = GateConnection.Client(parse);
            var chunks = lines.Chunk(Math.Max(1, parse.GetValue(batch))).ToArray();
            var totals = new SortedDictionary<string, int>(StringComparer.Ordinal);
            long kept = 0;
            var started = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                await using var writer = new StreamWriter(parse.GetRequiredValue(output).FullName);
                using var call = client.DuplexStreaming(GateMethods.CheckStream, GateConnection.CallOptions(parse, cancellationToken) with { Timeout = null });
                var sending = Task.Run(async () =>
                {
                    foreach (var chunk in chunks)
                    {
                        var request = GateConnection.Request(parse);
                        request.Recipients.AddRange(chunk);
                        await call.WriteAsync(request, cancellationToken);
                    }

                    call.Complete();
                }, cancellationToken);
                foreach (var chunk in chunks)
                {
                    if (!await call.MoveNextAsync(cancellationToken))
                    {
                        throw new GrpcException(StatusCode.Internal, "the gate ended the stream early");
                    }

                    byte[] reasons = call.Current.Reasons.ToByteArray();
                    for (int i = 0; i < chunk.Length; i++)
                    {
                        string reason = GateConnection.ReasonName(reasons[i]);
                        totals[reason] = totals.GetValueOrDefault(reason) + 1;
                        if (reasons[i] is >= 1 and <= 15)
                        {
                            await writer.WriteLineAsync(chunk[i].AsMemory(), cancellationToken);
                            kept++;
                        }
                    }
                }

                await sending;
            }
            catch (GrpcException error)
            {
                return GateConnection.Fail(parse, error);
            }

            parse.InvocationConfiguration.Error.WriteLine($"kept {kept} of {lines.Length} in {started.Elapsed.TotalSeconds:F1} s; " + string.Join(", ", totals.Select(t => $"{t.Key} {t.Value}")));
            return 0;
        });
        return command;
    }
}
