using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using SendGate.Client;
using SendGate.Contracts.V1;
using SendGate.Core.Domain;

namespace SendGate.Cli.Commands;

/// <summary>Options every command that talks to a gate shares.</summary>
internal static class GateConnection
{
    public static Option<Uri> Address { get; } = new("--address", "-a")
    {
        Description = "The gate's gRPC address (http:// for h2c, https:// for TLS, unix:/PATH for a Unix socket)",
        DefaultValueFactory = _ => new Uri("http://127.0.0.1:50051"),
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (!GateAddress.TryParse(text, out var address, out string problem))
            {
                result.AddError(problem);
            }

            return address;
        },
    };

    public static Option<uint> Brand { get; } = new("--brand", "-b") { Description = "İYS brand code", Required = true };

    public static Option<uint> Iys { get; } = new("--iys") { Description = "İYS provider code (iysCode)" };

    public static Option<string> Channel { get; } = new Option<string>("--channel", "-c") { Description = "MESAJ, ARAMA or EPOSTA", Required = true }.AcceptOnlyFromAmong("MESAJ", "ARAMA", "EPOSTA", "mesaj", "arama", "eposta");

    public static Option<string> Type { get; } = new Option<string>("--type", "-t") { Description = "BIREYSEL or TACIR", DefaultValueFactory = _ => "BIREYSEL" }.AcceptOnlyFromAmong("BIREYSEL", "TACIR", "bireysel", "tacir");

    public static Option<string> Kind { get; } = new Option<string>("--kind", "-k") { Description = "commercial or informational", DefaultValueFactory = _ => "commercial" }.AcceptOnlyFromAmong("commercial", "informational");

    public static Option<uint> Retailer { get; } = new("--retailer") { Description = "On behalf of this retailer (bayi; İYS's integer code): only consents it owns or may access are allowed" };

    public static Option<double> Timeout { get; } = new("--timeout") { Description = "Deadline per call, seconds", DefaultValueFactory = _ => 30 };

    /// <summary>From the environment by default, so that the key stays out of shell history and process lists.</summary>
    public static Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "API key for a gate with access control (default: $SENDGATE_API_KEY)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SENDGATE_API_KEY"),
    };

    public static void AddTo(Command command, bool withKind = true)
    {
        command.Add(Address);
        command.Add(Brand);
        command.Add(Iys);
        command.Add(Channel);
        command.Add(Type);
        if (withKind)
        {
            command.Add(Kind);
        }

        command.Add(Retailer);
        command.Add(Timeout);
        command.Add(ApiKey);
    }

    /// <summary>A channel to the gate, with the API key as call credentials; dispose it when done.</summary>
    public static GrpcChannel OpenChannel(ParseResult parse) =>
        GateChannel.Create(new GateClientOptions { Address = parse.GetRequiredValue(Address), ApiKey = parse.GetValue(ApiKey) });

    /// <summary>The per-call deadline (--timeout) and cancellation.</summary>
    public static CallOptions CallOptions(ParseResult parse, CancellationToken cancellationToken) =>
        new(deadline: DateTime.UtcNow.AddSeconds(parse.GetValue(Timeout)), cancellationToken: cancellationToken);

    public static CheckRequest Request(ParseResult parse) => new()
    {
        RequestId = "cli-" + Guid.NewGuid().ToString("N")[..12],
        IysCode = parse.GetValue(Iys),
        BrandCode = parse.GetRequiredValue(Brand),
        Channel = (Contracts.V1.Channel)(int)Enum.Parse<Core.Domain.Channel>(parse.GetRequiredValue(Channel), ignoreCase: true),
        RecipientType = string.Equals(parse.GetValue(Type), "TACIR", StringComparison.OrdinalIgnoreCase) ? Contracts.V1.RecipientType.Tacir : Contracts.V1.RecipientType.Bireysel,
        Kind = parse.GetValue(Kind) == "informational" ? Contracts.V1.MessageKind.Informational : Contracts.V1.MessageKind.Commercial,
        RetailerCode = parse.GetValue(Retailer),
    };

    public static string ReasonName(int reason) => ((Core.Domain.Reason)reason).Name();

    /// <summary>Prints a call failure the way an operator can act on it; returns the exit code.</summary>
    public static int Fail(ParseResult parse, RpcException error)
    {
        parse.InvocationConfiguration.Error.WriteLine($"error: {error.StatusCode}: {error.Status.Detail}");
        return 1;
    }
}
