using SendGate.Tests.Support;

namespace SendGate.Senders.Tests;

/// <summary>
/// Real Postfix (Debian's, eng/postfix.sh) asking the policy service at RCPT: the gate's denial is an SMTP rejection,
/// its consent a delivery (to a local sink), and a gate that cannot answer a temporary 4.7.1.
/// </summary>
public sealed class PostfixTests
{
    [Fact]
    public async Task Postfix_RejectsRefusedRecipientsAtRcpt_AndDeliversOnlyToConsentedOnes()
    {
        await using var gate = await GateHost.StartAsync(SenderData.File);
        await using var service = await PolicyService.StartAsync(gate.Address);
        await using var postfix = await PostfixServer.StartAsync(service.Port);

        string transcript = await postfix.SubmitAsync(SenderData.ConsentedMail, SenderData.RefusedMail, SenderData.UnknownMail);
        var delivered = await postfix.DeliveredAsync(messages: 1);

        Assert.Contains("-> RCPT TO:<consented@example.com>\n<-  250 2.1.5 Ok", transcript, StringComparison.Ordinal);
        Assert.Contains("<** 554 5.7.1 <refused@example.com>: Recipient address rejected: Commercial e-mail refused: the recipient refused commercial messages from this brand (IYS RET)", transcript, StringComparison.Ordinal);
        Assert.Contains("<** 554 5.7.1 <nobody@example.com>: Recipient address rejected: Commercial e-mail refused: no IYS consent on record", transcript, StringComparison.Ordinal);
        Assert.Equal([SenderData.ConsentedMail], delivered);
    }

    [Fact]
    public async Task Postfix_DefersWhenTheGateIsDown_AndWhenThePolicyServiceIsDown()
    {
        var gate = await GateHost.StartAsync(SenderData.File);
        var service = await PolicyService.StartAsync(gate.Address, new() { ["Postfix:Gate:Timeout"] = "00:00:01" });
        await using var postfix = await PostfixServer.StartAsync(service.Port);

        await gate.DisposeAsync();
        string gateDown = await postfix.SubmitAsync(SenderData.ConsentedMail);
        await service.DisposeAsync();
        string serviceDown = await postfix.SubmitAsync(SenderData.ConsentedMail);

        Assert.Contains("<** 450 4.7.1 <consented@example.com>: Recipient address rejected: Consent check unavailable (", gateDown, StringComparison.Ordinal);
        // Postfix's own default_action in the documented check_policy_service line: never accept unasked.
        Assert.Contains("<** 450 4.7.1 <consented@example.com>: Recipient address rejected: Service unavailable", serviceDown, StringComparison.Ordinal);
        Assert.Empty(await postfix.DeliveredAsync(messages: 0));
    }
}
