using SendGate.LoadDriver.Measuring;
using SendGate.Tests.Support;

namespace SendGate.Senders.Tests;

/// <summary>The front's reply get-url without Kannel: what is and is not a refusal, and a refusal the gate cannot take yet.</summary>
public sealed class ReplyFrontTests
{
    [Fact]
    public async Task Replies_OnlyKeywordsToAUsersNumber_AreRefusals_AndOneTheGateCannotTakeIsKeptForRetry()
    {
        await using var gate = await GateHost.StartAsync(SenderData.File); // file-fed: it cannot record refusals (FAILED_PRECONDITION)
        await using var front = await KannelFront.StartAsync(GateHost.FreePort(), gate.Address, "http://127.0.0.1:1/cgi-bin/sendsms");

        string chat = await front.Http.GetStringAsync(new Uri($"{front.Url}/mo?from=905321234567&to=3434&text=Merhaba"));
        string elsewhere = await front.Http.GetStringAsync(new Uri($"{front.Url}/mo?from=905321234567&to=5555&text=RET"));
        string refusal = await front.Http.GetStringAsync(new Uri($"{front.Url}/mo?from=905321234567&to=%2B3434&text=RET"));

        Assert.Equal((string.Empty, string.Empty), (chat, elsewhere));
        Assert.Equal("ACME kampanya iletileri durduruldu.", refusal); // answered to the handset; kept and retried in the background
        string metrics = await front.MetricsAsync();
        Assert.Equal(1, PrometheusText.Sum(metrics, "sendgate_kannel_replies_total", ("outcome", "not_a_refusal")));
        Assert.Equal(1, PrometheusText.Sum(metrics, "sendgate_kannel_replies_total", ("outcome", "unknown_number")));
        Assert.Equal(1, PrometheusText.Sum(metrics, "sendgate_kannel_replies_total", ("outcome", "queued")));
        Assert.Equal(1, PrometheusText.Sum(metrics, "sendgate_kannel_refusals_pending"));
    }

    [Fact]
    public async Task SendSms_WhenTheGateCannotAnswer_ForwardsNothing_AndSaysTryLater()
    {
        await using var front = await KannelFront.StartAsync(GateHost.FreePort(), new Uri($"http://127.0.0.1:{GateHost.FreePort()}"), "http://127.0.0.1:1/cgi-bin/sendsms",
            new() { ["Kannel:Gate:Timeout"] = "00:00:01" });

        var (status, body, _) = await front.SendSmsAsync(KannelServer.Password, "Kampanya", SenderData.ConsentedPhone);
        var (missing, missingBody, _) = await front.SendSmsAsync(KannelServer.Password, "Kampanya");

        Assert.Equal(503, status);
        Assert.StartsWith("Temporarily failed: the consent gate did not answer (", body, StringComparison.Ordinal);
        Assert.Equal((400, "Missing receiver number, rejected\n"), (missing, missingBody));
    }
}
