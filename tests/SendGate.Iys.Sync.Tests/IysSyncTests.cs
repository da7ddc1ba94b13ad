using System.Text;
using SendGate.Contracts.V1;
using SendGate.IysSimulator;
using SendGate.Tests.Support;

namespace SendGate.Iys.Sync.Tests;

/// <summary><c>sendgate iys sync</c> against the simulated İYS over HTTP, into a real broker, read by real gates.</summary>
[Collection(SharedBroker.Name)]
public sealed class IysSyncTests(KafkaBroker broker)
{
    private static readonly uint[] TwoBrands = [123457, 123458];

    [Fact]
    public async Task SyncOnce_ByBrand_WithoutTheClosureTopic_RefusesAndNamesIt()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-no-closures");
        string config = rig.Config();
        var settings = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(config))!;
        settings["Feed"]!["Kafka"]!["Placement"] = "Brand";
        await File.WriteAllTextAsync(config, settings.ToJsonString());

        var (exit, output, error) = await rig.SyncOnceAsync(config);

        Assert.True(exit == 2, output + error);
        Assert.Contains("iys-no-closures.closures does not exist", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal); // a sentence, not a stack trace
        Assert.Empty(rig.Published());
    }

    [Fact]
    public async Task SyncOnce_BringsAGateToTheSameStateAsPublishingTheSameRecordsFromAFile()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-same", SyncRig.Quick with { Brands = TwoBrands });
        var history = ConsentHistory.Generate(DateTimeOffset.UtcNow, recipients: 1200, TwoBrands, seed: 17);
        ConsentHistory.Seed(rig.Iys, history);
        string file = Path.Combine(rig.Directory, "same.jsonl");
        await File.WriteAllTextAsync(file, ConsentHistory.JsonLines(history));
        string config = rig.Config(pageSize: 97, brands: TwoBrands);
        string fileTopic = "iys-same-file";
        await broker.CreateTopicAsync(fileTopic, 3);

        var published = await SyncRig.CliAsync("publish", "--from", file, "--topic", fileTopic, "--bootstrap", broker.Bootstrap, "--config", config, "--quiet");
        var (exit, output, error) = await rig.SyncOnceAsync(config);

        Assert.Equal(0, published.Exit);
        Assert.True(exit == 0, output + error);
        Assert.Contains($"{history.Count:N0} events published to iys-same", output, StringComparison.Ordinal);
        Assert.Equal(4, output.Split('\n').Count(line => line.EndsWith("caught up", StringComparison.Ordinal)));
        var events = rig.Published();
        Assert.Equal(history.Count, events.Count);
        Assert.All(events, e => Assert.Equal(ConsentChanged.RecipientOneofCase.RecipientKey, e.ConsentChanged.RecipientCase));
        string onTopic = string.Concat(broker.ReadAll(rig.Topic, 3).Select(m => Encoding.UTF8.GetString(m.Message.Value!)));
        Assert.DoesNotContain("+90532", onTopic, StringComparison.Ordinal);
        Assert.DoesNotContain("example.com", onTopic, StringComparison.Ordinal);
        Assert.DoesNotContain("Yılmaz", onTopic, StringComparison.Ordinal);

        var settings = new Dictionary<string, string?> { ["Index:Records"] = "Memory" };
        await using var fromFile = await GateHost.StartAsync("", new(broker.GateSettings(fileTopic, fileTopic + ".dlq").Concat(settings)));
        await using var fromIys = await GateHost.StartAsync("", new(broker.GateSettings(rig.Topic, rig.DeadLetterTopic).Concat(settings)));
        var expected = await SyncRig.DigestAsync(fromFile);
        var actual = await SyncRig.DigestAsync(fromIys);
        Assert.True(expected.Tuples > 1000, $"{expected.Tuples} tuples");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task SyncOnce_RidesOutLimitsOutagesSlowPagesAndRevokedTokens_WithOneLogin()
    {
        // Tokens of 2 s are renewed every 1.6 s: İYS's own 10 token requests an hour would not last the test.
        await using var rig = await SyncRig.StartAsync(broker, "iys-faults", SyncRig.Quick with { TokenLifetime = TimeSpan.FromSeconds(2), TokenRequestsPerHour = 100 });
        var history = ConsentHistory.Generate(DateTimeOffset.UtcNow, recipients: 300, [123457], seed: 3);
        ConsentHistory.Seed(rig.Iys, history);
        // A request timeout with room for a busy machine: a token request abandoned at the timeout may have spent
        // its refresh token at İYS, and the login that then follows is right — but not what this test is about.
        string config = rig.Config(pageSize: 25, requestTimeout: "00:00:02", tokenRequestsPerHour: 100);
        rig.Iys.Faults.RateLimitNext(3);
        rig.Iys.Faults.FailNext(2);
        rig.Iys.Faults.SlowNext(1, TimeSpan.FromSeconds(5)); // beyond the request timeout: abandoned and retried
        rig.Iys.Faults.RevokeTokensAtNextRequest();

        var (exit, output, error) = await rig.SyncOnceAsync(config);

        Assert.True(exit == 0, output + error);
        Assert.Equal(history.Select(h => h.TransactionId).Order(), rig.Published().Select(e => e.ConsentChanged.TransactionId).Distinct().Order());
        Assert.Equal(1, rig.Iys.Counters.Logins);        // the hourly login limit is never spent on renewals
        Assert.True(rig.Iys.Counters.Refreshes >= 1);     // a revoked token is renewed by refresh
        Assert.True(rig.Iys.Counters.RateLimited >= 3);
        Assert.True(rig.Iys.Counters.ServerErrors >= 2);
    }

    [Fact]
    public async Task SyncOnce_ARefusedBrandStopsWithASentence_AndTheOthersGoOn()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-refused");
        ConsentHistory.Seed(rig.Iys, ConsentHistory.Generate(DateTimeOffset.UtcNow, recipients: 40, [123457], seed: 5));
        string config = rig.Config(brands: [555555, 123457]);

        var (exit, output, error) = await rig.SyncOnceAsync(config);

        Assert.Equal(1, exit);
        Assert.Contains("brand 555555 source HS: İYS answered HTTP 403", error, StringComparison.Ordinal);
        Assert.Contains("brand 555555 source IYS: İYS answered HTTP 403", error, StringComparison.Ordinal);
        Assert.Matches(@"555555\s+HS\s+0\s+0\s+0\s+stopped", output);
        Assert.Matches(@"123457\s+HS\s+1\s+\d+\s+0\s+caught up", output);
        Assert.NotEmpty(rig.Published());
    }

    [Theory]
    [InlineData(TokenLimitShape.Errors)]
    [InlineData(TokenLimitShape.OAuth)] // İYS's document gives H084's code and status, not its body: both plausible shapes are read
    public async Task SyncOnce_WhenİysRefusesTokens_SaysH084_AndAsksNoMoreForAnHour_EvenFromTheNextRun(TokenLimitShape shape)
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-logins-" + shape.ToString().ToLowerInvariant(), SyncRig.Quick with { TokenRequestsPerHour = 0, TokenLimitShape = shape });
        string config = rig.Config();

        var (exit, _, error) = await rig.SyncOnceAsync(config);
        var again = await rig.SyncOnceAsync(config); // e.g. cron a minute later: asking now would restart İYS's hour

        Assert.Equal(1, exit);
        Assert.Contains("H084", error, StringComparison.Ordinal);
        Assert.Equal(1, again.Exit);
        Assert.Contains("the next token request is possible at", again.Error, StringComparison.Ordinal);
        Assert.Equal(1, rig.Iys.Counters.TokenRequests); // one refused request, then none: no retries, no second run's login
        Assert.Equal(0, rig.Iys.Counters.PullRequests);
    }

    [Fact]
    public async Task SyncOnce_RunAgain_ReusesTheTokenItKept_InsteadOfLoggingIn()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-token-cache");
        ConsentHistory.Seed(rig.Iys, ConsentHistory.Generate(DateTimeOffset.UtcNow, recipients: 20, [123457], seed: 9));
        string config = rig.Config();

        for (int run = 0; run < 3; run++)
        {
            var (exit, output, error) = await rig.SyncOnceAsync(config);
            Assert.True(exit == 0, output + error);
        }

        Assert.Equal(1, rig.Iys.Counters.TokenRequests);
        string cache = await File.ReadAllTextAsync(Path.Combine(rig.CursorPath, "iys-token.json"));
        Assert.DoesNotContain("sendgate-password", cache, StringComparison.Ordinal); // tokens are kept, the password never
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(rig.CursorPath, "iys-token.json")));
        }
    }

    [Fact]
    public async Task SyncOnce_AnItemTheGateCannotUse_IsDeadLetteredWithoutItsAddress_AndTheRestPublished()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-dlq");
        var now = DateTimeOffset.UtcNow;
        string date = SimulatedChange.IysTime(now - TimeSpan.FromHours(3));
        rig.Iys.Registry.Seed(123457, new ConsentWrite("MESAJ", "+905321110001", "BIREYSEL", "ONAY", date, "HS_WEB"), now - TimeSpan.FromHours(3), transactionId: "good");
        rig.Iys.Registry.Seed(123457, new ConsentWrite("MESAJ", "+1 555 0100 9999", "BIREYSEL", "ONAY", date, "HS_WEB"), now - TimeSpan.FromHours(3), transactionId: "foreign", citizenName: "Mehmet Öz");
        string config = rig.Config();

        var (exit, output, error) = await rig.SyncOnceAsync(config);

        Assert.True(exit == 0, output + error);
        Assert.Equal(["good"], rig.Published().Select(e => e.ConsentChanged.TransactionId));
        var letter = DeadLetter.Parser.ParseFrom(Assert.Single(broker.ReadAll(rig.DeadLetterTopic)).Message.Value);
        Assert.Equal("iys/123457/HS", letter.Topic);
        string original = letter.OriginalValue.ToStringUtf8();
        Assert.Contains("\"transactionId\":\"foreign\"", original, StringComparison.Ordinal);
        Assert.DoesNotContain("555", original, StringComparison.Ordinal);
        Assert.DoesNotContain("Öz", original, StringComparison.Ordinal);
        Assert.Matches(@"123457\s+HS\s+1\s+1\s+1\s+caught up", output);
    }

}
