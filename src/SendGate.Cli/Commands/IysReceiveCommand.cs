using System.CommandLine;
using SendGate.Iys.Sync;
using SendGate.Iys.Sync.Api;

namespace SendGate.Cli.Commands;

/// <summary>
/// <c>sendgate iys receive register|status|remove</c>: the connections of İYS's push of citizens' changes, per brand and
/// type (pushRegistration, getPushRegistration, pushUnregistration). The credentials İYS will present are the
/// receiver's own (Iys:Receive:Username, Iys:Receive:Password): what the worker's receiver checks. İYS tests a new
/// connection at once (basic authentication required, an answer within 5 s, https only), so register once the worker's
/// receiver is up behind the URL.
/// </summary>
internal static class IysReceiveCommand
{
    private static readonly string[] Types = ["MESAJ", "ARAMA", "EPOSTA"];

    public static Command Create()
    {
        var brand = new Option<uint>("--brand", "-b") { Description = "The brand whose citizens' changes İYS posts", Required = true };
        var iysCode = new Option<uint?>("--iys") { Description = "The brand's provider (iysCode; default Iys:IysCode)" };
        var type = new Option<string>("--type", "-t") { Description = "MESAJ, ARAMA or EPOSTA: one connection per type", Required = true };
        type.AcceptOnlyFromAmong(Types);
        var url = new Option<string>("--url") { Description = "The receiver's public https URL as İYS will post to it (its listener's address and Iys:Receive:Path)", Required = true };
        url.Validators.Add(result =>
        {
            if (!Uri.TryCreate(result.GetValueOrDefault<string>(), UriKind.Absolute, out _))
            {
                result.AddError("--url: give the receiver's absolute URL, e.g. https://push.example.com.tr/iys/changes");
            }
        });

        var register = new Command("register", "Ask İYS to post the brand's citizens' changes of one type to the receiver (İYS sends a test item first)") { brand, iysCode, type, url };
        register.SetAction((parse, cancellationToken) => RunAsync(parse, brand, iysCode, needsCredentials: true, async (api, target, options, output) =>
        {
            string said = await api.RegisterPushAsync(target, Connection(parse, type, url, options), cancellationToken);
            await output.WriteLineAsync($"brand {target} {parse.GetValue(type)} → {parse.GetValue(url)}: {(said.Length > 0 ? said : "registered")}");
        }));

        var status = new Command("status", "List the brand's push connections as İYS holds them") { brand, iysCode };
        status.SetAction((parse, cancellationToken) => RunAsync(parse, brand, iysCode, needsCredentials: false, async (api, target, _, output) =>
        {
            var connections = await api.ListPushAsync(target, cancellationToken);
            await output.WriteLineAsync(connections.Count == 0 ? $"brand {target}: no push connections" : "type    state                          since                url");
            foreach (var connection in connections)
            {
                await output.WriteLineAsync($"{connection.Type,-7} {connection.Status,-30} {connection.RegisterTime,-20} {connection.Url}");
            }
        }));

        var remove = new Command("remove", "Remove one push connection (the URL, type and credentials it was registered with)") { brand, iysCode, type, url };
        remove.SetAction((parse, cancellationToken) => RunAsync(parse, brand, iysCode, needsCredentials: true, async (api, target, options, output) =>
        {
            string said = await api.UnregisterPushAsync(target, Connection(parse, type, url, options), cancellationToken);
            await output.WriteLineAsync($"brand {target} {parse.GetValue(type)} → {parse.GetValue(url)}: {(said.Length > 0 ? said : "removed")}");
        }));

        var receive = new Command("receive", "İYS's push of citizens' changes to the worker's receiver (Iys:Receive): register, list or remove its connections with İYS")
        {
            register, status, remove,
        };
        foreach (var verb in new[] { register, status, remove })
        {
            IysCommand.AddShared(verb);
        }

        return receive;
    }

    private static PushConnection Connection(ParseResult parse, Option<string> type, Option<string> url, IysSyncOptions options) =>
        new(parse.GetValue(url)!, parse.GetValue(type)!, options.Receive.Username!, options.Receive.Password!);

    private static async Task<int> RunAsync(ParseResult parse, Option<uint> brand, Option<uint?> iysCode, bool needsCredentials, Func<IysApi, IysBrand, IysSyncOptions, TextWriter, Task> act)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        if (IysCommand.Configuration(parse, error) is not { } configuration)
        {
            return 2;
        }

        var problems = IysSyncHost.Validate(configuration, null, out var options, out _, out _, forPush: true).ToList();
        var target = new IysBrand(parse.GetValue(iysCode) ?? options.IysCode, parse.GetValue(brand));
        if (target.IysCode == 0)
        {
            problems.Add("--iys or Iys:IysCode: the brand's provider is needed.");
        }

        if (needsCredentials && (string.IsNullOrEmpty(options.Receive.Username) || string.IsNullOrEmpty(options.Receive.Password)))
        {
            problems.Add("Iys:Receive:Username and Iys:Receive:Password are the credentials İYS will present to the receiver: set them as the worker has them.");
        }

        if (await IysSyncHost.ReportAsync(problems, error))
        {
            return 2;
        }

        using var session = IysSession.Open(options, parse.GetValue(IysCommand.VerboseOption));
        try
        {
            await act(session.Api, target, options, output);
            return 0;
        }
        catch (IysApiException refused)
        {
            await error.WriteLineAsync(refused.Message);
            return 1;
        }
    }
}
