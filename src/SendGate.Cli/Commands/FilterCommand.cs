using System.CommandLine;
using Grpc.Core;
using SendGate.Contracts.V1;
using SendGate.Terminal;

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
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress (a bar on a terminal, a line every 5 s otherwise)" };
        var command = new Command("filter", "Keep only the recipients the gate allows (a list in, the allowed part out)") { input, output, batch, quiet };
        GateConnection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var lines = (await File.ReadAllLinesAsync(parse.GetRequiredValue(input).FullName, cancellationToken)).Where(l => l.Trim().Length > 0).ToArray();
            using var channel = GateConnection.OpenChannel(parse);
            var gate = new Gate.GateClient(channel);
            var chunks = lines.Chunk(Math.Max(1, parse.GetValue(batch))).ToArray();
            var totals = new SortedDictionary<string, int>(StringComparer.Ordinal);
            long kept = 0;
            long answered = 0;
            var started = System.Diagnostics.Stopwatch.StartNew();
            await using var progress = parse.GetValue(quiet) ? null : ProgressDisplay.Start("filtering", parse.InvocationConfiguration.Error,
                () => new ProgressSample(lines.Length == 0 ? 1 : (double)Interlocked.Read(ref answered) / lines.Length, $"{Interlocked.Read(ref answered):N0} of {lines.Length:N0} answered, {Interlocked.Read(ref kept):N0} kept"), TimeSpan.FromSeconds(5));
            try
            {
                await using var writer = new StreamWriter(parse.GetRequiredValue(output).FullName);
                using var call = gate.CheckStream(cancellationToken: cancellationToken); // a list takes as long as it takes: no deadline
                var sending = Task.Run(async () =>
                {
                    foreach (var chunk in chunks)
                    {
                        var request = GateConnection.Request(parse);
                        request.Recipients.AddRange(chunk);
                        await call.RequestStream.WriteAsync(request, cancellationToken);
                    }

                    await call.RequestStream.CompleteAsync();
                }, cancellationToken);
                foreach (var chunk in chunks)
                {
                    if (!await call.ResponseStream.MoveNext(cancellationToken))
                    {
                        throw new RpcException(new Status(StatusCode.Internal, "the gate ended the stream early"));
                    }

                    byte[] reasons = call.ResponseStream.Current.Reasons.ToByteArray();
                    for (int i = 0; i < chunk.Length; i++)
                    {
                        string reason = GateConnection.ReasonName(reasons[i]);
                        totals[reason] = totals.GetValueOrDefault(reason) + 1;
                        if (Core.Domain.ReasonRules.IsAllowed((Core.Domain.Reason)reasons[i]))
                        {
                            await writer.WriteLineAsync(chunk[i].AsMemory(), cancellationToken);
                            Interlocked.Increment(ref kept);
                        }
                    }

                    Interlocked.Add(ref answered, chunk.Length);
                }

                await sending;
            }
            catch (RpcException error)
            {
                return GateConnection.Fail(parse, error);
            }

            if (progress is not null)
            {
                await progress.DisposeAsync(); // its last line before the summary
            }

            parse.InvocationConfiguration.Error.WriteLine($"kept {kept} of {lines.Length} in {started.Elapsed.TotalSeconds:F1} s; " + string.Join(", ", totals.Select(t => $"{t.Key} {t.Value}")));
            return 0;
        });
        return command;
    }
}
