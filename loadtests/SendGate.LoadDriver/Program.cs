using SendGate.LoadDriver;

return await LoadDriverCli.Root().Parse(args).InvokeAsync();
