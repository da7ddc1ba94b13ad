using System.CommandLine;
using SendGate.Contracts.V1;
using Grpc.Core;

namespace SendGate.Cli.Commands;

/// <summary><c>sendgate explain --brand 123457 --channel MESAJ 05321234567</c>: the decision, the rule and the record behind it.</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var recipient = new Argument<string>("recipient") { Description = "A phone number or e-mail address as written" };
        var command = new Command("explain", "Show why the gate decides as it does for one recipient") { recipient };
        GateConnection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var check = GateConnection.Request(parse);
            var request = new ExplainRequest
            {
                IysCode = check.IysCode,
                BrandCode = check.BrandCode,
                Channel = check.Channel,
                RecipientType = check.RecipientType,
                Kind = check.Kind,
                RetailerCode = check.RetailerCode,
                Recipient = parse.GetRequiredValue(recipient),
            };
            using var channel = GateConnection.OpenChannel(parse);
            var gate = new Gate.GateClient(channel);
            try
            {
                var response = await gate.ExplainAsync(request, GateConnection.CallOptions(parse, cancellationToken));
                parse.InvocationConfiguration.Output.WriteLine($"reason:      {GateConnection.ReasonName((int)response.Reason)}");
                parse.InvocationConfiguration.Output.WriteLine($"why:         {response.Detail}");
                if (response.NormalizedRecipient.Length > 0)
                {
                    parse.InvocationConfiguration.Output.WriteLine($"normalized:  {response.NormalizedRecipient}");
                }

                if (!response.RecipientKey.IsEmpty)
                {
                    parse.InvocationConfiguration.Output.WriteLine($"key:         {Convert.ToHexStringLower(response.RecipientKey.Span)}");
                }

                if (response.Record is { } record)
                {
                    parse.InvocationConfiguration.Output.WriteLine($"record:      {record.Status} {(record.ConsentDate is null ? "without a consent date" : "given " + Iys(record.ConsentDate))}, modified {Iys(record.LastModificationDate)} (GMT+3), source {(record.Source.Length == 0 ? "not given" : record.Source)}, transaction {record.TransactionId}");
                }

                if (response.LineClosedAt is { } closed)
                {
                    parse.InvocationConfiguration.Output.WriteLine($"line closed: {Iys(closed)} (GMT+3)");
                }

                parse.InvocationConfiguration.Output.WriteLine($"watermark:   version {response.Watermark?.Version}, {string.Join(", ", response.Watermark?.Positions.Select(p => $"{p.Topic}/{p.Partition}@{p.Offset}") ?? [])}");
                return 0;
            }
            catch (RpcException error)
            {
                return GateConnection.Fail(parse, error);
            }
        });
        return command;
    }

    private static string Iys(Google.Protobuf.WellKnownTypes.Timestamp? time) =>
        time is null ? "-" : time.ToDateTimeOffset().ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
