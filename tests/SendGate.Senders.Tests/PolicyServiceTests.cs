using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SendGate.LoadDriver.Measuring;
using SendGate.Tests.Support;

namespace SendGate.Senders.Tests;

/// <summary>
/// The Postfix policy service over its real protocol (a TCP client speaking as smtpd does) against a real gate:
/// the answers, the senders, the batching of concurrent RCPTs, and what it answers when the gate cannot.
/// </summary>
public sealed class PolicyServiceTests
{
    [Fact]
    public async Task Rcpt_IsAnsweredByTheGatesVerdict_OnOneConnection()
    {
        await using var gate = await GateHost.StartAsync(SenderData.File);
        await using var service = await PolicyService.StartAsync(gate.Address);
        using var postfix = await PolicyClient.ConnectAsync(service.Port);

        string consented = await postfix.RcptAsync(SenderData.ConsentedMail);
        string refused = await postfix.RcptAsync(SenderData.RefusedMail);
        string unknown = await postfix.RcptAsync(SenderData.UnknownMail);
        string invalid = await postfix.RcptAsync("not-an-address");
        string mixedCase = await postfix.RcptAsync("Ali.Veli@EXAMPLE.com"); // Consents.File's e-mail, as written differently

        Assert.Equal("DUNNO", consented);
        Assert.Equal("REJECT 5.7.1 Commercial e-mail refused: the recipient refused commercial messages from this brand (IYS RET)", refused);
        Assert.Equal("REJECT 5.7.1 Commercial e-mail refused: no IYS consent on record for commercial messages from this brand", unknown);
        Assert.StartsWith("REJECT 5.7.1 Commercial e-mail refused: not a valid recipient", invalid, StringComparison.Ordinal);
        Assert.Equal("DUNNO", mixedCase);
        Assert.DoesNotContain("example.com", refused + unknown + invalid, StringComparison.Ordinal);

        string metrics = await service.MetricsAsync();
        Assert.Equal(2, PrometheusText.Sum(metrics, "sendgate_postfix_answers_total", ("action", "dunno")));
        Assert.Equal(1, PrometheusText.Sum(metrics, "sendgate_postfix_answers_total", ("action", "reject"), ("reason", "DENIED_REFUSED")));
    }

    [Fact]
    public async Task RequestsNotAboutARecipient_AreDunno()
    {
        await using var gate = await GateHost.StartAsync(SenderData.File);
        await using var service = await PolicyService.StartAsync(gate.Address);
        using var postfix = await PolicyClient.ConnectAsync(service.Port);

        string data = await postfix.AskAsync(new Dictionary<string, string> { ["request"] = "smtpd_access_policy", ["protocol_state"] = "DATA", ["recipient"] = SenderData.RefusedMail, ["policy_context"] = "acme" });
        string other = await postfix.AskAsync(new Dictionary<string, string> { ["request"] = "junk_policy", ["protocol_state"] = "RCPT", ["recipient"] = SenderData.RefusedMail, ["policy_context"] = "acme" });

        Assert.Equal("DUNNO", data);
        Assert.Equal("DUNNO", other);
    }

    [Fact]
    public async Task SaslUsername_NamesTheSender_BeforePolicyContext_AndUnknownSendersGetTheConfiguredAction()
    {
        await using var gate = await GateHost.StartAsync(SenderData.File);
        await using var service = await PolicyService.StartAsync(gate.Address, new()
        {
            ["Postfix:Senders:otherbrand:IysCode"] = "123456",
            ["Postfix:Senders:otherbrand:BrandCode"] = "999999", // no consents at all
            ["Postfix:UnknownSender"] = "REJECT 5.7.1 Sender not known to the consent gate",
        });
        using var postfix = await PolicyClient.ConnectAsync(service.Port);

        string byContext = await postfix.RcptAsync(SenderData.ConsentedMail, policyContext: "acme");
        string byLogin = await postfix.RcptAsync(SenderData.ConsentedMail, policyContext: "acme", saslUsername: "otherbrand");
        string loginNotASender = await postfix.RcptAsync(SenderData.ConsentedMail, policyContext: "acme", saslUsername: "alice");
        string unknown = await postfix.RcptAsync(SenderData.ConsentedMail, policyContext: "nobody");

        Assert.Equal("DUNNO", byContext);
        Assert.StartsWith("REJECT 5.7.1 Commercial e-mail refused: no IYS consent", byLogin, StringComparison.Ordinal);
        Assert.Equal("DUNNO", loginNotASender); // a login that is no sender: the listener's context decides
        Assert.Equal("REJECT 5.7.1 Sender not known to the consent gate", unknown);
        Assert.Equal(1, PrometheusText.Sum(await service.MetricsAsync(), "sendgate_postfix_unknown_senders_total"));
    }

    [Fact]
    public async Task ConcurrentRcpts_FromManySessions_ReachTheGateAsBatches()
    {
        await using var gate = await GateHost.StartAsync(SenderData.File);
        await using var service = await PolicyService.StartAsync(gate.Address, new() { ["Postfix:Gate:MaxWait"] = "00:00:00.020" });
        const int Sessions = 40;
        var clients = await Task.WhenAll(Enumerable.Range(0, Sessions).Select(_ => PolicyClient.ConnectAsync(service.Port)));
        double before = await GateChecksAsync(gate);

        var answers = await Task.WhenAll(clients.Select((client, i) => client.RcptAsync(i % 2 == 0 ? SenderData.ConsentedMail : SenderData.RefusedMail)));

        double calls = await GateChecksAsync(gate) - before;
        Assert.All(answers.Where((_, i) => i % 2 == 0), answer => Assert.Equal("DUNNO", answer));
        Assert.All(answers.Where((_, i) => i % 2 == 1), answer => Assert.StartsWith("REJECT 5.7.1", answer, StringComparison.Ordinal));
        Assert.InRange(calls, 1, Sessions / 4); // 40 questions within 20 ms of each other: a few Checks, not 40
        Assert.Equal(Sessions, PrometheusText.Sum(await service.MetricsAsync(), "sendgate_sender_batch_recipients_sum"));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task GateUnreachable_IsDeferredBeforeThePolicyTimeout()
    {
        int closed = GateHost.FreePort(); // nothing listens there
        await using var service = await PolicyService.StartAsync(new Uri($"http://127.0.0.1:{closed}"), new() { ["Postfix:Gate:Timeout"] = "00:00:01" });
        using var postfix = await PolicyClient.ConnectAsync(service.Port);

        // Answered at all, before Postfix gives up on the service (timeout=10s in the documented check_policy_service
        // line): a deadline of the protocol, not a speed — the gate's own deadline (1 s) is what makes it hold.
        string answer = await postfix.RcptAsync(SenderData.ConsentedMail, patience: TimeSpan.FromSeconds(10));

        Assert.StartsWith("DEFER_IF_PERMIT 4.7.1 Consent check unavailable (", answer, StringComparison.Ordinal);
        Assert.True(PrometheusText.Sum(await service.MetricsAsync(), "sendgate_sender_gate_failures_total") >= 1);
    }

    [Fact]
    public async Task StaleIndex_IsDeferred_NotRejected()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gate = await GateHost.StartAsync(SenderData.File, new()
        {
            ["Feed:File:PollInterval"] = "01:00:00",
            ["Policy:MaxStaleness"] = "00:05:00",
        }, services: s => s.AddSingleton<TimeProvider>(clock));
        await using var service = await PolicyService.StartAsync(gate.Address);
        using var postfix = await PolicyClient.ConnectAsync(service.Port);

        clock.Advance(TimeSpan.FromMinutes(6));
        string answer = await postfix.RcptAsync(SenderData.RefusedMail);

        Assert.Equal("DEFER_IF_PERMIT 4.7.1 Consent check unavailable: the consent gate's data is out of date; try again later", answer);
    }

    [Fact]
    public async Task MalformedRequest_ClosesThatConnectionOnly()
    {
        await using var gate = await GateHost.StartAsync(SenderData.File);
        await using var service = await PolicyService.StartAsync(gate.Address);
        using var bad = await PolicyClient.ConnectAsync(service.Port);
        using var good = await PolicyClient.ConnectAsync(service.Port);

        await bad.SendRawAsync("request=smtpd_access_policy\nthis line has no equals sign\n\n");

        Assert.Null(await bad.ReadAnswerOrCloseAsync());
        Assert.Equal("DUNNO", await good.RcptAsync(SenderData.ConsentedMail));
        Assert.Equal(1, PrometheusText.Sum(await service.MetricsAsync(), "sendgate_postfix_protocol_errors_total"));
    }

    private static async Task<double> GateChecksAsync(GateHost gate)
    {
        using var http = new HttpClient();
        return PrometheusText.Sum(await http.GetStringAsync(new Uri(gate.Admin, "/metrics")), "sendgate_check_requests_total") ?? 0;
    }
}
