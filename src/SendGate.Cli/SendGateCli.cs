using System.CommandLine;
using SendGate.Cli.Commands;

namespace SendGate.Cli;

/// <summary>The command tree (Program runs it; tests invoke it with their own output writers).</summary>
internal static class SendGateCli
{
    public static RootCommand Root() => new("sendgate — operators' tool for the SendGate İYS consent gate")
    {
        GenerateCommand.Create(),
        CheckCommand.Create(),
        FilterCommand.Create(),
        ExplainCommand.Create(),
        PublishCommand.Create(),
        ClientKeyCommand.Create(),
        IysCommand.Create(),
        SenderAdapterCommands.PostfixPolicy(),
        SenderAdapterCommands.KannelFront(),
    };
}
