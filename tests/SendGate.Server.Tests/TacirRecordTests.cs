using SendGate.Contracts.V1;
using SendGate.Tests.Support;

namespace SendGate.Server.Tests;

/// <summary>
/// İYS makes consentDate and source optional for merchants (TACIR, DOMAIN.md): such a record is
/// served — not dead-lettered and then denied as "no consent" — and Explain says what is absent,
/// also after a restart from durable state.
/// </summary>
public sealed class TacirRecordTests : IDisposable
{
    private const string File = """
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"TACIR","recipient":"05321230001","status":"ONAY","creationDate":"2024-02-02 14:00:03","transactionId":"tx-merchant"}
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"TACIR","recipient":"05321230002","status":"ONAY","creationDate":"2023-02-02 14:00:03"}
        {"recipient":"05321230002","lineClosedDate":"2023-06-01 00:00:00"}
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"05321230003","status":"ONAY","source":"HS_WEB","creationDate":"2024-02-02 14:00:03"}

        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("sendgate-tacir-").FullName;

    [Fact]
    public async Task TacirWithoutConsentDateOrSource_IsServedAndExplained_AcrossARestart()
    {
        string consents = Path.Combine(_directory, "consents.jsonl");
        await System.IO.File.WriteAllTextAsync(consents, File);
        var settings = new Dictionary<string, string?> { ["Feed:File:Path"] = consents, ["Durability:Path"] = Path.Combine(_directory, "state") };

        await using (var first = await GateHost.StartAsync("", settings))
        {
            await AssertServed(first);
        }

        await using var restarted = await GateHost.StartAsync("", settings);
        await AssertServed(restarted);
    }

    private static async Task AssertServed(GateHost gate)
    {
        var check = await gate.Gate.CheckAsync(new CheckRequest
        {
            IysCode = 123456,
            BrandCode = 123457,
            Channel = Channel.Mesaj,
            RecipientType = RecipientType.Tacir,
            Kind = MessageKind.Commercial,
            Recipients = { "05321230001", "05321230002" },
        });
        Assert.Equal([(byte)Reason.AllowedConsent, (byte)Reason.DeniedLineClosed], check.Reasons.ToByteArray());

        var merchant = await gate.Gate.ExplainAsync(new ExplainRequest { BrandCode = 123457, Channel = Channel.Mesaj, RecipientType = RecipientType.Tacir, Recipient = "05321230001" });
        Assert.Equal(Reason.AllowedConsent, merchant.Reason);
        Assert.Null(merchant.Record.ConsentDate);
        Assert.Equal(string.Empty, merchant.Record.Source);
        Assert.Equal("tx-merchant", merchant.Record.TransactionId);
        Assert.Contains("without a consent date", merchant.Detail, StringComparison.Ordinal);

        // Closed after its only time, the modification: void like any older consent.
        var closed = await gate.Gate.ExplainAsync(new ExplainRequest { BrandCode = 123457, Channel = Channel.Mesaj, RecipientType = RecipientType.Tacir, Recipient = "05321230002" });
        Assert.Equal(Reason.DeniedLineClosed, closed.Reason);
        Assert.Contains("no consent date", closed.Detail, StringComparison.Ordinal);

        // A person's record without consentDate is still refused as a line: no record, no consent.
        var person = await gate.Gate.ExplainAsync(new ExplainRequest { BrandCode = 123457, Channel = Channel.Mesaj, Recipient = "05321230003" });
        Assert.Equal(Reason.DeniedNoConsent, person.Reason);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
