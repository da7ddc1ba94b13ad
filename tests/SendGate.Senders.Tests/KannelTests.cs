using System.Diagnostics;
using System.Security.Cryptography;
using SendGate.Cli;
using SendGate.Contracts.V1;
using SendGate.LoadDriver.Measuring;
using SendGate.Tests.Support;
using Xunit.Abstractions;
using Reason = SendGate.Core.Domain.Reason;

namespace SendGate.Senders.Tests;

[CollectionDefinition(Name)]
public sealed class SharedBroker : ICollectionFixture<KafkaBroker>
{
    public const string Name = "kafka";
}

/// <summary>
/// Real Kannel (bearerbox, smsbox, a fakesmsc as the operator; eng/kannel.sh) behind the front, and a Kafka-fed gate:
/// a refused number never reaches the operator, and a handset's reply "RET" closes the number for the brand.
/// </summary>
[Collection(SharedBroker.Name)]
public sealed class KannelTests(KafkaBroker broker, ITestOutputHelper output)
{
    private static readonly string SealingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task Kannel_DeliversOnlyAllowedNumbers_AndAReplyRetClosesTheNumberForTheBrand()
    {
        const string Topic = "kannel-consents";
        await broker.CreateTopicAsync(Topic, 3);
        await broker.CreateTopicAsync(Topic + ".dlq", 1, "delete");
        await broker.CreateTopicAsync(Topic + ".optouts", 1, "delete");
        await PublishAsync(Topic);
        var settings = new Dictionary<string, string?>(broker.GateSettings(Topic, Topic + ".dlq")) { ["OptOut:Topic"] = Topic + ".optouts", ["OptOut:SealingKey"] = SealingKey };
        await using var gate = await GateHost.StartAsync(string.Empty, settings);
        await UntilAsync(gate, SenderData.ConsentedPhone, Reason.AllowedConsent);
        int frontPort = GateHost.FreePort();
        await using var kannel = await KannelServer.StartAsync($"http://127.0.0.1:{frontPort}");
        // No confirmation text: smsbox would route it back through whichever SMSC it chooses (tested in ReplyFrontTests).
        await using var front = await KannelFront.StartAsync(frontPort, gate.Address, kannel.SendSmsUrl, new() { ["Kannel:OptOut:Reply"] = string.Empty });

        var sent = await front.SendSmsAsync(KannelServer.Password, "Kampanya", SenderData.ConsentedPhone, SenderData.RefusedPhone, SenderData.UnknownPhone);
        var delivered = await kannel.DeliveredAsync(messages: 1);
        var wrongPassword = await front.SendSmsAsync("guess", "Kampanya", SenderData.ConsentedPhone);

        Assert.Equal(202, sent.Status);
        Assert.Equal("0: Accepted for delivery\nSendGate: 2 of 3 recipients filtered: DENIED_NO_CONSENT 1, DENIED_REFUSED 1\n", sent.Body);
        Assert.Equal("1", sent.Response.Headers.GetValues("X-SendGate-Allowed").Single());
        Assert.Equal((403, "Authorization failed for sendsms\n"), (wrongPassword.Status, wrongPassword.Body));

        var clock = Stopwatch.StartNew();
        await kannel.ReplyAsync(SenderData.ConsentedPhone, KannelFront.Number, "Ret ACME");
        await UntilAsync(gate, SenderData.ConsentedPhone, Reason.DeniedRefused);
        output.WriteLine($"reply RET → denied by the gate in {clock.ElapsedMilliseconds} ms (including fakesmsc's start)");
        var afterRefusal = await front.SendSmsAsync(KannelServer.Password, "Kampanya 2", SenderData.ConsentedPhone);

        Assert.Equal((403, "Number(s) has/have been denied by the consent gate: DENIED_REFUSED 1\n"), (afterRefusal.Status, afterRefusal.Body));
        await Task.Delay(1_000); // anything wrongly forwarded would reach the operator's SMSC by now
        Assert.Equal([(SenderData.ConsentedPhone, "Kampanya")], kannel.Delivered());
        Assert.Single(broker.ReadAll(Topic + ".optouts")); // queued, sealed, for the connector's push to İYS
        string metrics = await front.MetricsAsync();
        Assert.Equal(1, PrometheusText.Sum(metrics, "sendgate_kannel_replies_total", ("outcome", "refusal")));
        Assert.Equal(1, PrometheusText.Sum(metrics, "sendgate_kannel_sendsms_total", ("outcome", "all_denied")));
        Assert.Equal(1, PrometheusText.Sum(metrics, "sendgate_kannel_recipients_total", ("reason", "DENIED_REFUSED")) - 1); // the RET record, then the reply
    }

    private async Task PublishAsync(string topic)
    {
        string directory = Directory.CreateTempSubdirectory("sendgate-kannel-data-").FullName;
        string file = Path.Combine(directory, "consents.jsonl"), config = Path.Combine(directory, "config.json");
        await File.WriteAllTextAsync(file, SenderData.File);
        await File.WriteAllTextAsync(config, $$"""{ "Hashing": { "Key": "{{GateHost.KeyBase64}}" }, "Feed": { "Kafka": { "Properties": { "api.version.request": "false", "broker.version.fallback": "0.9.0.1" } } } }""");
        var error = new StringWriter();
        int exit = await SendGateCli.Root().Parse(["publish", "--from", file, "--topic", topic, "--bootstrap", broker.Bootstrap, "--config", config, "--quiet"])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.True(exit == 0, error.ToString());
        Directory.Delete(directory, recursive: true);
    }

    private static async Task UntilAsync(GateHost gate, string phone, Reason expected)
    {
        var request = new CheckRequest { IysCode = SenderData.Iys, BrandCode = SenderData.Brand, Channel = Channel.Mesaj, Recipients = { phone } };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Reason reason;
        do
        {
            reason = (Reason)(await gate.Gate.CheckAsync(request)).Reasons[0];
            if (reason != expected)
            {
                await Task.Delay(20);
            }
        }
        while (reason != expected && DateTime.UtcNow < deadline);
        Assert.Equal(expected, reason);
    }
}
