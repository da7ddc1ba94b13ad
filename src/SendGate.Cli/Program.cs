using System.CommandLine;
using SendGate.Cli.Commands;

var root = new RootCommand("sendgate — operators' tool for the SendGate İYS consent gate")
{
    GenerateCommand.Create(),
    CheckCommand.Create(),
    FilterCommand.Create(),
    ExplainCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
