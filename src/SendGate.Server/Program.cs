using Microsoft.Extensions.Options;
using SendGate.Server.Hosting;

if (args.Any(a => a is "-h" or "--help" or "-?"))
{
    Console.WriteLine(Usage.Text);
    return 0;
}

try
{
    await using var app = SendGateHost.Build(args);
    await app.RunAsync();
    return Environment.ExitCode;
}
catch (Exception e) when (e is InvalidOperationException or OptionsValidationException)
{
    // Configuration that cannot work: the sentence says which setting, a stack trace would bury it.
    Console.Error.WriteLine($"sendgate-server: {e.Message}");
    return 2;
}
