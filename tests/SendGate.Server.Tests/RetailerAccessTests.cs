using Grpc.Core;
using SendGate.Access;
using SendGate.Contracts.V1;
using SendGate.Tests.Support;

namespace SendGate.Server.Tests;

/// <summary>
/// Retailers (bayi, DOMAIN.md): a request on behalf of a retailer is allowed only for consents that belong to it or
/// give it access; the brand's own consents are the brand's. The rules survive a restart from a snapshot and a
/// rebuild from the durable log; a client granted retailers acts for them only.
/// </summary>
public sealed class RetailerAccessTests : IDisposable
{
    private const string File = """
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipient":"05321240001","status":"ONAY","source":"HS_WEB","consentDate":"2024-02-02 14:00:00","creationDate":"2024-02-02 14:00:03","retailerCode":"501","retailerAccess":["502"]}
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipient":"05321240002","status":"ONAY","source":"HS_WEB","consentDate":"2024-02-02 14:00:00","creationDate":"2024-02-02 14:00:03"}
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipient":"05321240003","status":"ONAY","source":"HS_WEB","consentDate":"2024-02-02 14:00:00","creationDate":"2024-02-02 14:00:03","retailerCode":"501"}
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipient":"05321240003","status":"ONAY","source":"HS_WEB","consentDate":"2024-03-02 14:00:00","creationDate":"2024-03-02 14:00:03"}
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipient":"05321240004","status":"ONAY","source":"HS_WEB","consentDate":"2024-02-02 14:00:00","creationDate":"2024-02-02 14:00:03","retailerCode":"bayi-7"}

        """;

    private static readonly string[] Recipients = ["05321240001", "05321240002", "05321240003", "05321240004"];
    private readonly string _directory = Directory.CreateTempSubdirectory("sendgate-retailer-").FullName;

    [Theory]
    [InlineData(true)]  // restart from the index snapshot
    [InlineData(false)] // restart by rebuilding the index from the durable log
    public async Task OnBehalfOfARetailer_OnlyItsConsentsAndThoseGivingItAccess_AcrossARestart(bool snapshots)
    {
        string consents = Path.Combine(_directory, "consents.jsonl");
        await System.IO.File.WriteAllTextAsync(consents, File);
        var settings = new Dictionary<string, string?>
        {
            ["Feed:File:Path"] = consents,
            ["Durability:Path"] = Path.Combine(_directory, "state"),
            ["Durability:IndexSnapshots"] = snapshots ? "true" : "false",
        };

        await using (var first = await GateHost.StartAsync("", settings))
        {
            await AssertDecided(first);
        }

        await using var restarted = await GateHost.StartAsync("", settings);
        await AssertDecided(restarted);
    }

    [Fact]
    public async Task AClientGrantedRetailers_ActsForThemOnly()
    {
        const string Key = "sgk_test-retailer-501-client-key";
        var settings = new Dictionary<string, string?>
        {
            ["Access:Mode"] = "Required",
            ["Access:Clients:bayi501:KeyHashes:0"] = ApiKeys.Hash(Key),
            ["Access:Clients:bayi501:Grants:0:IysCode"] = "123456",
            ["Access:Clients:bayi501:Grants:0:Channels:0"] = "MESAJ",
            ["Access:Clients:bayi501:Retailers:0"] = "501",
        };
        await using var gate = await GateHost.StartAsync(File, settings);
        var key = new Metadata { { "x-api-key", Key } };

        var asBrand = await Assert.ThrowsAsync<RpcException>(() => gate.Gate.CheckAsync(Request(0), key).ResponseAsync);
        var asOther = await Assert.ThrowsAsync<RpcException>(() => gate.Gate.CheckAsync(Request(502), key).ResponseAsync);
        var asItself = await gate.Gate.CheckAsync(Request(501), key);

        Assert.Equal(StatusCode.PermissionDenied, asBrand.StatusCode);
        Assert.Contains("acts for retailers only", asBrand.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, asOther.StatusCode);
        Assert.Contains("retailer 502", asOther.Status.Detail, StringComparison.Ordinal);
        Assert.Equal([Reason.AllowedConsent, Reason.DeniedNoRetailerAccess, Reason.DeniedNoRetailerAccess, Reason.DeniedNoConsent], Reasons(asItself));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task AssertDecided(GateHost gate)
    {
        // The brand itself may use every consent; the line with a retailer code that is not an integer was refused.
        Assert.Equal([Reason.AllowedConsent, Reason.AllowedConsent, Reason.AllowedConsent, Reason.DeniedNoConsent], Reasons(await gate.Gate.CheckAsync(Request(0))));
        // 501 owns #1; #3's newer record is the brand's own; #2 always was.
        Assert.Equal([Reason.AllowedConsent, Reason.DeniedNoRetailerAccess, Reason.DeniedNoRetailerAccess, Reason.DeniedNoConsent], Reasons(await gate.Gate.CheckAsync(Request(501))));
        Assert.Equal([Reason.AllowedConsent, Reason.DeniedNoRetailerAccess, Reason.DeniedNoRetailerAccess, Reason.DeniedNoConsent], Reasons(await gate.Gate.CheckAsync(Request(502))));
        Assert.Equal([Reason.DeniedNoRetailerAccess, Reason.DeniedNoRetailerAccess, Reason.DeniedNoRetailerAccess, Reason.DeniedNoConsent], Reasons(await gate.Gate.CheckAsync(Request(503))));

        var explained = await gate.Gate.ExplainAsync(new ExplainRequest { BrandCode = 123457, Channel = Channel.Mesaj, Recipient = Recipients[0], RetailerCode = 503 });
        Assert.Equal(Reason.DeniedNoRetailerAccess, explained.Reason);
        Assert.Contains("retailer", explained.Detail, StringComparison.Ordinal);
        Assert.Equal("501", explained.Record.RetailerCode);
        Assert.Equal(["502"], explained.Record.RetailerAccess);
    }

    private static CheckRequest Request(uint retailer) => new()
    {
        IysCode = 123456, BrandCode = 123457, Channel = Channel.Mesaj, Kind = MessageKind.Commercial, RetailerCode = retailer, Recipients = { Recipients },
    };

    private static Reason[] Reasons(CheckResponse response) => [.. response.Reasons.Select(r => (Reason)r)];
}
