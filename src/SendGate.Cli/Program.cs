using SendGate.Cli;

return await SendGateCli.Root().Parse(args).InvokeAsync();
