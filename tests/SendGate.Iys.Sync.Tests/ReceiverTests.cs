using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SendGate.Contracts.V1;
using SendGate.IysSimulator;
using SendGate.Tests.Support;
using Reason = SendGate.Core.Domain.Reason;

namespace SendGate.Iys.Sync.Tests;

/// <summary>
/// The receiver of İYS's push of citizens' changes, in the long-lived worker: basic authentication, bodies checked
/// whole, items decoded as PULL's, an answer only after Kafka acknowledged; and end to end over https — registered
/// with the simulated İYS by <c>sendgate iys receive register</c>, a citizen's refusal pushed by İYS and denied by a
/// gate, the same change through PULL later applied once.
/// </summary>
[Collection(SharedBroker.Name)]
public sealed class ReceiverTests(KafkaBroker broker)
{
    private const string User = "iys-push";
    private const string Password = "push-secret-1";

    [Fact]
    public async Task Receiver_AnswersOnlyİysCredentials_RefusesAMalformedBodyWhole_AndAnswersOnceKafkaAcknowledged()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-receive");
        int port = GateHost.FreePort();
        await using var worker = await WorkerHost.StartAsync(rig.Config(receive: Receive($"http://127.0.0.1:{port}")));
        var url = new Uri($"http://127.0.0.1:{port}/iys/changes");
        string good = Item(123457, "+905327000001", "RET", "tx-good", citizen: "Ayşe Yılmaz");

        using var anonymous = await worker.Http.PostAsync(url, Body(good));
        using var wrong = await Post(worker.Http, url, Body(good), User, "not-the-password");
        using var malformed = await Post(worker.Http, url, Body(good, "5"), User, Password); // a good item and one that is not an object
        using var notJson = await Post(worker.Http, url, new StringContent("{\"list\": [", Encoding.UTF8, "application/json"), User, Password);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("not a JSON object; nothing of it was published", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Empty(rig.Published()); // the good item of the malformed body too: all or none

        string foreignBrand = Item(999999, "+905327000002", "RET", "tx-foreign");
        string foreignNumber = Item(123457, "+1 555 0100 9999", "RET", "tx-unusable");
        string test = IysSimulatorServer.PushTestItem;
        using var accepted = await Post(worker.Http, url, Body(good, foreignBrand, foreignNumber, test), User, Password);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using (var answer = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()))
        {
            var root = answer.RootElement;
            Assert.Equal((1, 1, 1, 1), (root.GetProperty("published").GetInt32(), root.GetProperty("deadLettered").GetInt32(),
                root.GetProperty("foreignBrand").GetInt32(), root.GetProperty("test").GetInt32()));
        }

        // Answered 200 only after Kafka acknowledged: the event is on the topic when the answer arrives.
        var events = rig.Published();
        Assert.Equal(["tx-good"], events.Select(e => e.ConsentChanged.TransactionId));
        Assert.Equal("IYS_WEB", events[0].ConsentChanged.Source);
        string onTopic = string.Concat(broker.ReadAll(rig.Topic, 3).Select(m => Encoding.UTF8.GetString(m.Message.Value!)));
        Assert.DoesNotContain("5327000001", onTopic, StringComparison.Ordinal);
        Assert.DoesNotContain("Yılmaz", onTopic, StringComparison.Ordinal);
        var letters = broker.ReadAll(rig.DeadLetterTopic).Select(m => DeadLetter.Parser.ParseFrom(m.Message.Value)).ToList();
        Assert.Equal(["iys-push/123457", "iys-push/999999"], letters.Select(letter => letter.Topic).Order(StringComparer.Ordinal));
        Assert.All(letters, letter => Assert.DoesNotContain("+", letter.OriginalValue.ToStringUtf8(), StringComparison.Ordinal));
        Assert.Contains(letters, letter => letter.Reason.Contains("not one this connector works for", StringComparison.Ordinal));

        // Each listener answers only its own: no metrics where İYS posts, no receiver on the admin port.
        using var metricsOnReceiver = await worker.Http.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        using var receiverOnAdmin = await Post(worker.Http, new Uri(worker.Admin, "/iys/changes"), Body(good), User, Password);
        Assert.Equal(HttpStatusCode.NotFound, metricsOnReceiver.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, receiverOnAdmin.StatusCode);
        string metrics = await worker.MetricsAsync();
        Assert.Matches("sendgate_iys_receive_items_total\\{[^}]*outcome=\"published\"[^}]*\\} 1", metrics);
        Assert.Matches("sendgate_iys_receive_requests_total\\{[^}]*answer=\"401\"[^}]*\\} 2", metrics);
    }

    [Fact]
    public async Task ACitizensRefusal_PushedByİysOverHttps_IsDeniedByTheGate_AndTheSameChangeThroughPullAppliesOnce()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-push-e2e");
        var consented = DateTimeOffset.UtcNow - TimeSpan.FromHours(5);
        rig.Iys.Registry.Seed(123457, new ConsentWrite("MESAJ", "+905327100001", "BIREYSEL", "ONAY", SimulatedChange.IysTime(consented), "HS_WEB"), consented, transactionId: "tx-onay");
        var (certificate, key) = TestCertificates.WriteServerPem(rig.Directory);
        int port = GateHost.FreePort();
        string config = rig.Config(receive: Receive($"https://127.0.0.1:{port}"));
        Assert.Equal(0, (await rig.SyncOnceAsync(config)).Exit);
        await using var gate = await GateHost.StartAsync("", broker.GateSettings(rig.Topic, rig.DeadLetterTopic));
        Assert.True(await Eventually.TrueAsync(async () => await CheckAsync(gate, "05327100001") == Reason.AllowedConsent));
        await using var worker = await WorkerHost.StartAsync(config, new() { ["Kestrel:Certificates:Default:Path"] = certificate, ["Kestrel:Certificates:Default:KeyPath"] = key });
        string url = $"https://127.0.0.1:{port}/iys/changes";

        var registered = await SyncRig.CliAsync("iys", "receive", "register", "--brand", "123457", "--type", "MESAJ", "--url", url, "--config", config);
        var listed = await SyncRig.CliAsync("iys", "receive", "status", "--brand", "123457", "--config", config);

        Assert.True(registered.Exit == 0, registered.Output + registered.Error);
        Assert.Contains("Bağlantı oluşturuldu", registered.Output, StringComparison.Ordinal);
        Assert.Matches(@"MESAJ\s+Bağlantı Oluşturuldu\s+\S+ \S+\s+" + System.Text.RegularExpressions.Regex.Escape(url), listed.Output);
        Assert.Matches("sendgate_iys_receive_items_total\\{[^}]*outcome=\"test\"[^}]*\\} 1", await worker.MetricsAsync()); // İYS's test item, acknowledged, not published
        Assert.DoesNotContain(Password, registered.Output + registered.Error + listed.Output, StringComparison.Ordinal);

        // A citizen refuses in İYS (two hours ago in İYS's records, so that PULL lists it too): İYS pushes it at once.
        var refused = DateTimeOffset.UtcNow - TimeSpan.FromHours(2);
        rig.Iys.Registry.Seed(123457, new ConsentWrite("MESAJ", "+905327100001", "BIREYSEL", "RET", SimulatedChange.IysTime(refused), "IYS_WEB"), refused, citizenName: "Mehmet Öz", transactionId: "tx-citizen-ret");
        Assert.True(await Eventually.TrueAsync(async () => await CheckAsync(gate, "05327100001") == Reason.DeniedRefused), "the pushed refusal never reached the gate");
        Assert.True(await Eventually.TrueAsync(() => rig.Iys.Pushes == (1L, 0L)), $"İYS counts {rig.Iys.Pushes} pushes (delivered, undelivered)"); // counted once our 200 reached it

        // The same change comes again through PULL: the gate's state is what one delivery of it gives.
        Assert.Equal(0, (await rig.SyncOnceAsync(config)).Exit);
        Assert.Equal(2, rig.Published().Count(e => e.ConsentChanged.TransactionId == "tx-citizen-ret"));
        string file = Path.Combine(rig.Directory, "once.jsonl");
        await File.WriteAllTextAsync(file, Line("+905327100001", "ONAY", consented, "HS_WEB", "tx-onay") + Line("+905327100001", "RET", refused, "IYS_WEB", "tx-citizen-ret"));
        await broker.CreateTopicAsync("iys-push-e2e-once", 3);
        Assert.Equal(0, (await SyncRig.CliAsync("publish", "--from", file, "--topic", "iys-push-e2e-once", "--bootstrap", broker.Bootstrap, "--config", config, "--quiet")).Exit);
        await using var once = await GateHost.StartAsync("", broker.GateSettings("iys-push-e2e-once", "iys-push-e2e-once.dlq"));
        var expected = await SyncRig.DigestAsync(once);
        Assert.True(await Eventually.TrueAsync(async () => await SyncRig.DigestAsync(gate) == expected), "the gate fed twice holds another state than the gate fed once");

        var removed = await SyncRig.CliAsync("iys", "receive", "remove", "--brand", "123457", "--type", "MESAJ", "--url", url, "--config", config);
        Assert.True(removed.Exit == 0, removed.Output + removed.Error);
        Assert.Empty(rig.Iys.PushConnections(123457));
    }

    [Fact]
    public async Task Register_ARefusedConnection_SaysWhatİysSaid()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-push-refused");
        string config = rig.Config(receive: Receive($"http://127.0.0.1:{GateHost.FreePort()}"));

        var (exit, output, error) = await SyncRig.CliAsync("iys", "receive", "register", "--brand", "123457", "--type", "MESAJ", "--url", "http://127.0.0.1:1/iys/changes", "--config", config);

        Assert.Equal(1, exit);
        Assert.Contains("HTTP 422 H531 at url", error, StringComparison.Ordinal); // İYS posts only to https
        Assert.DoesNotContain(Password, output + error, StringComparison.Ordinal);
    }

    internal static Dictionary<string, object> Receive(string listen) => new() { ["Listen"] = listen, ["Username"] = User, ["Password"] = Password };

    internal static StringContent Body(params string[] items) => new("{\"list\":[" + string.Join(',', items) + "]}", Encoding.UTF8, "application/json");

    internal static string Item(uint brand, string recipient, string status, string transaction, string? citizen = null)
    {
        string at = SimulatedChange.IysTime(DateTimeOffset.UtcNow.AddMinutes(-1));
        return $$"""{"iysCode":123456,"brandCode":{{brand}},"consentDate":"{{at}}","creationDate":"{{at}}","source":"IYS_WEB","recipient":"{{recipient}}","recipientType":"BIREYSEL","status":"{{status}}","type":"MESAJ","transactionId":"{{transaction}}"{{(citizen is null ? "" : $",\"citizenName\":\"{citizen}\"")}}}""";
    }

    internal static Task<HttpResponseMessage> Post(HttpClient http, Uri url, HttpContent body, string user, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = body };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return http.SendAsync(request);
    }

    private static string Line(string phone, string status, DateTimeOffset at, string source, string transaction) =>
        $$"""{"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"{{phone}}","status":"{{status}}","source":"{{source}}","consentDate":"{{SimulatedChange.IysTime(at)}}","creationDate":"{{SimulatedChange.IysTime(at)}}","transactionId":"{{transaction}}"}""" + "\n";

    private static async Task<Reason> CheckAsync(GateHost gate, string phone)
    {
        var request = new CheckRequest { IysCode = 123456, BrandCode = 123457, Channel = Channel.Mesaj, Recipients = { phone } };
        return (Reason)(await gate.Gate.CheckAsync(request)).Reasons[0];
    }

}
