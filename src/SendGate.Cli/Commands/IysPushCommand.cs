using System.CommandLine;
using System.Globalization;
using SendGate.Iys.Sync;
using SendGate.Iys.Sync.Push;

namespace SendGate.Cli.Commands;

/// <summary>
/// <c>sendgate iys push</c>: one push round — the refusals gates recorded (Gate.RecordOptOut) since the last push,
/// uploaded to İYS, İYS's answers read back (first 300 s after the write, as İYS asks; the command waits up to
/// Iys:PushWait for them) and kept in the ledger; a summary, and every refusal İYS refused with its code. Exit 0 when
/// every refusal read has İYS's final answer, 1 when some still wait for İYS (the next run asks again) or the round failed.
/// </summary>
internal static class IysPushCommand
{
    public static Command Create()
    {
        var command = new Command("push", "Upload the refusals gates recorded (Gate.RecordOptOut) to İYS, once each, and record İYS's answers (İYS must have them within 3 business days)");
        IysCommand.AddShared(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (IysCommand.Configuration(parse, error) is not { } configuration)
            {
                return 2;
            }

            var problems = IysSyncHost.Validate(configuration, IysCommand.Brand(parse), out var options, out var kafka, out _, forPush: true).ToList();
            var optOut = IysSyncHost.OptOut(configuration, out var seal, out string? sealProblem);
            if (sealProblem is not null)
            {
                problems.Add(sealProblem);
            }

            if (await IysSyncHost.ReportAsync(problems, error))
            {
                return 2;
            }

            using var session = IysSession.Open(options, parse.GetValue(IysCommand.VerboseOption));
            using var push = new OptOutPush(options, kafka, optOut, seal!, session.Api, TimeProvider.System, session.Logger("SendGate.Iys.Push"), session.Metrics);
            var summary = await push.RunRoundAsync(cancellationToken, waitUntil: DateTimeOffset.UtcNow + options.PushWait);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"read {summary.Read} refusals ({summary.AlreadyKnown} already in the ledger), uploaded {summary.Uploaded}; İYS accepted {summary.Accepted}, refused {summary.Refused}; {summary.Pending} wait for İYS; {summary.Unreadable} unreadable"));
            foreach (var refused in summary.RefusedEntries)
            {
                await output.WriteLineAsync($"  refused {refused.Id} brand {refused.Brand} {refused.Channel} {refused.RecipientType} key {refused.RecipientKey}: {refused.Code ?? "-"} {refused.Message}");
            }

            if (summary.Error is not null)
            {
                await error.WriteLineAsync(summary.Error);
            }

            return summary.Settled ? 0 : 1;
        });
        return command;
    }
}
