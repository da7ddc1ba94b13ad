using SendGate.Server.Hosting;

if (args.Any(a => a is "-h" or "--help" or "-?"))
{
    Console.WriteLine(Usage.Text);
    return 0;
}

await using var app = SendGateHost.Build(args);
await app.RunAsync();
return Environment.ExitCode;
