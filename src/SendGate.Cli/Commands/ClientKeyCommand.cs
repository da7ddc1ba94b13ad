using System.CommandLine;
using SendGate.Access;

namespace SendGate.Cli.Commands;

/// <summary>
/// <c>sendgate client-key --name acme-sms</c>: a new API key for a client, and the hash the gate
/// is configured with. The key is printed once and stored nowhere; the gate only ever sees its hash.
/// </summary>
internal static class ClientKeyCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name", "-n") { Description = "The client's name in Access:Clients", DefaultValueFactory = _ => "CLIENT" };
        var index = new Option<int>("--slot") { Description = "Index in the client's KeyHashes (use the next free one when rotating)", DefaultValueFactory = _ => 0 };
        var command = new Command("client-key", "Make a new API key for a gate client and print the hash to configure (the key is shown once)") { name, index };
        command.SetAction(parse =>
        {
            string key = ApiKeys.Generate();
            string hash = ApiKeys.Hash(key);
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"key  (give to the client; shown once, stored nowhere): {key}");
            output.WriteLine($"hash (configure on the gate):                          {hash}");
            output.WriteLine();
            output.WriteLine($"Access__Clients__{parse.GetValue(name)}__KeyHashes__{parse.GetValue(index)}={hash}");
            return 0;
        });
        return command;
    }
}
