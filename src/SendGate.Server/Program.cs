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
    try
    {
        await app.StartAsync();
    }
    catch
    {
        // The feed may already be loading on its own thread: stop it before the index it writes
        // is disposed with the host (disposing under it crashed the process, exit 134).
        await app.StopAsync();
        throw;
    }

    await app.WaitForShutdownAsync();
    return Environment.ExitCode;
}
catch (Exception e) when (e is InvalidOperationException or OptionsValidationException or IOException)
{
    // Configuration that cannot work, or an address already in use: the sentence says which
    // setting or address (Kestrel's names it), a stack trace would bury it.
    Console.Error.WriteLine($"sendgate-server: {e.Message}");
    return 2;
}
