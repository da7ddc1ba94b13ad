using Microsoft.Extensions.DependencyInjection;
using SendGate.Contracts.V1;
using SendGate.Index;
using SendGate.Tests.Support;

namespace SendGate.Server.Tests;

/// <summary>The gate with durable state, restarted: Explain still shows the full record, and the feed resumes instead of replaying.</summary>
public sealed class DurableRestartTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sendgate-restart-").FullName;

    [Fact]
    public async Task Restart_WithDurableState_ExplainsTheFullRecordWithoutReplayingTheFile()
    {
        string consents = Path.Combine(_directory, "consents.jsonl");
        await File.WriteAllTextAsync(consents, Consents.File);
        var settings = new Dictionary<string, string?> { ["Feed:File:Path"] = consents, ["Durability:Path"] = Path.Combine(_directory, "state") };

        await using (var first = await GateHost.StartAsync("", settings))
        {
            Assert.True(first.Services.GetRequiredService<ConsentStore>().Applied > 0);
        } // graceful stop: a final checkpoint

        await using var restarted = await GateHost.StartAsync("", settings);
        var store = restarted.Services.GetRequiredService<ConsentStore>();
        Assert.Equal(0, store.Applied); // resumed at the recorded position: nothing read again
        Assert.Equal(Consents.Lines, (await restarted.OffsetsAsync(Consents.Lines)).Positions.Single().Offset);

        var allowed = await restarted.Gate.ExplainAsync(new ExplainRequest { BrandCode = Consents.Brand, Channel = Channel.Mesaj, Recipient = "05321234567" });
        var closed = await restarted.Gate.ExplainAsync(new ExplainRequest { BrandCode = Consents.Brand, Channel = Channel.Mesaj, Recipient = "0532 123 45 69" });
        Assert.Equal(Reason.AllowedConsent, allowed.Reason);
        Assert.Equal("HS_WEB", allowed.Record.Source);
        Assert.Equal("tx-onay", allowed.Record.TransactionId);
        Assert.Equal("7", allowed.Record.RetailerCode);
        Assert.Equal(["7", "8"], allowed.Record.RetailerAccess);
        Assert.Equal(123456u, allowed.Record.IysCode);
        Assert.Equal(Reason.DeniedLineClosed, closed.Reason);
        Assert.Equal("tx-closed", closed.Record.TransactionId);

        // Lines appended while it was down are picked up from where it stopped.
        await File.AppendAllTextAsync(consents, """{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"05321234599","status":"ONAY","source":"HS_WEB","consentDate":"2024-07-01 10:00:00","creationDate":"2024-07-01 10:00:05","transactionId":"tx-later"}""" + "\n");
        await restarted.OffsetsAsync(Consents.Lines + 1);
        var later = await restarted.Gate.ExplainAsync(new ExplainRequest { BrandCode = Consents.Brand, Channel = Channel.Mesaj, Recipient = "05321234599" });
        Assert.Equal("tx-later", later.Record.TransactionId);
        Assert.Equal(1, store.Applied);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
