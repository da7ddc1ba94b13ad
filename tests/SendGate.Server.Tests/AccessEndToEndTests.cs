using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SendGate.Access;
using SendGate.Audit;
using SendGate.Client;
using SendGate.Contracts.V1;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using SendGate.Tests.Support;
using SendGate.LoadDriver.Measuring;

namespace SendGate.Server.Tests;

/// <summary>A gate with access control and a decision log, over the real transport on loopback.</summary>
public sealed class AccessGateFixture : IAsyncLifetime
{
    public const string SmsKey = "sgk_test-sms-client-key";
    public const string MtaKey = "sgk_test-mta-client-key";
    public const string LimitedKey = "sgk_test-limited-client-key";
    public const string RetryingKey = "sgk_test-retrying-client-key";
    public const uint OtherBrand = 999_001;

    public GateHost Host { get; private set; } = null!;

    public string DecisionDirectory { get; } = Directory.CreateTempSubdirectory("sendgate-decisions-").FullName;

    public async Task InitializeAsync() => Host = await GateHost.StartAsync(Consents.File, Settings(DecisionDirectory));

    /// <summary>The clients every test here calls as, and a decision log in <paramref name="decisions"/>.</summary>
    public static Dictionary<string, string?> Settings(string decisions) => new()
    {
        ["Access:Mode"] = "Required",
        ["Access:Clients:sms:KeyHashes:0"] = ApiKeys.Hash(SmsKey),
        ["Access:Clients:sms:Grants:0:IysCode"] = "123456",
        ["Access:Clients:sms:Grants:0:Brands:0"] = Consents.Brand.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Access:Clients:sms:Grants:0:Channels:0"] = "MESAJ",
        ["Access:Clients:mta:KeyHashes:0"] = ApiKeys.Hash(MtaKey),
        ["Access:Clients:mta:Grants:0:IysCode"] = "123456",
        ["Access:Clients:mta:Grants:0:Channels:0"] = "EPOSTA",
        ["Access:Clients:mta:Grants:0:Channels:1"] = "MESAJ",
        ["Access:Clients:mta:Explain"] = "true",
        ["Access:Clients:mta:ExplainPerMinute"] = "2",
        ["Access:Clients:limited:KeyHashes:0"] = ApiKeys.Hash(LimitedKey),
        ["Access:Clients:limited:Grants:0:IysCode"] = "123456",
        ["Access:Clients:limited:Grants:0:Channels:0"] = "MESAJ",
        ["Access:Clients:limited:RecipientsPerSecond"] = "1",
        ["Access:Clients:limited:Burst"] = "10",
        ["Access:Clients:limited:MaxBatch"] = "8",
        ["Access:Clients:retrying:KeyHashes:0"] = ApiKeys.Hash(RetryingKey),
        ["Access:Clients:retrying:Grants:0:IysCode"] = "123456",
        ["Access:Clients:retrying:Grants:0:Channels:0"] = "MESAJ",
        ["Access:Clients:retrying:RecipientsPerSecond"] = "2", // 6 tokens short: a pushback of 3 s
        ["Access:Clients:retrying:Burst"] = "10",
        ["Access:Clients:retrying:MaxBatch"] = "8",
        ["DecisionLog:Directory"] = decisions,
    };

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(DecisionDirectory, recursive: true);
    }
}

public sealed class AccessEndToEndTests(AccessGateFixture fixture) : IClassFixture<AccessGateFixture>
{

    private GateHost Host => fixture.Host;

    [Fact]
    public async Task NoCredentials_Unauthenticated_WithoutAnswers()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Host.Gate.CheckAsync(Sms(["05321234567"])).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.DoesNotContain("123457", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("authorization", "Bearer sgk_not-a-key-anyone-holds", "API key")]
    [InlineData("x-api-key", "sgk_not-a-key-anyone-holds", "API key")]
    [InlineData("authorization", "Basic c21zOnNlY3JldA==", "Malformed credentials")]
    [InlineData("authorization", "Bearer ", "Malformed credentials")]
    public async Task BadCredentials_Unauthenticated(string header, string value, string says)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Host.Gate.CheckAsync(Sms(["05321234567"]), With(header, value)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains(says, refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverlongKey_IsRefusedBeforeHashing_AndHugeMetadata_DoesNotHurtTheGate()
    {
        var overlong = await Assert.ThrowsAsync<RpcException>(() => Host.Gate.CheckAsync(Sms(["05321234567"]), With("x-api-key", new string('k', ApiKeys.MaxLength + 1))).ResponseAsync);
        // 200 KB of metadata is past Kestrel's header limits: the call fails at the transport, not as UNKNOWN from a handler.
        var huge = await Assert.ThrowsAsync<RpcException>(() => Host.Gate.CheckAsync(Sms(["05321234567"]), With("x-padding", new string('p', 200_000))).ResponseAsync);
        var after = await Host.Gate.CheckAsync(Sms(["05321234567"]), Key(AccessGateFixture.SmsKey));

        Assert.Equal(StatusCode.Unauthenticated, overlong.StatusCode);
        Assert.NotEqual(StatusCode.OK, huge.StatusCode);
        Assert.NotEqual(StatusCode.Unknown, huge.StatusCode);
        Assert.Equal((byte)Reason.AllowedConsent, after.Reasons[0]);
    }

    [Fact]
    public async Task GrantedClient_GetsAnswers_ByEitherHeader()
    {
        var bearer = await Host.Gate.CheckAsync(Sms(["05321234567", "05321234568"]), Key(AccessGateFixture.SmsKey));
        var apiKey = await Host.Gate.CheckAsync(Sms(["05321234567"]), With("x-api-key", AccessGateFixture.SmsKey));

        Assert.Equal([(byte)Reason.AllowedConsent, (byte)Reason.DeniedRefused], bearer.Reasons.ToByteArray());
        Assert.Equal((byte)Reason.AllowedConsent, apiKey.Reasons[0]);
    }

    [Theory]
    [InlineData(Channel.Eposta, Consents.Brand, 123456u)]      // granted MESAJ only
    [InlineData(Channel.Mesaj, AccessGateFixture.OtherBrand, 123456u)] // another brand of the same provider
    [InlineData(Channel.Mesaj, Consents.Brand, 654321u)]       // another provider
    public async Task OutsideTheGrant_PermissionDenied_SameForDataAndNoData(Channel channel, uint brand, uint iysCode)
    {
        var withData = Request(channel, brand, iysCode, ["05321234567", "Ali.Veli@Example.com"]);
        var withoutData = Request(channel, brand, iysCode, ["05329999999", "nobody@example.com"]);

        var first = await Assert.ThrowsAsync<RpcException>(() => Host.Gate.CheckAsync(withData, Key(AccessGateFixture.SmsKey)).ResponseAsync);
        var second = await Assert.ThrowsAsync<RpcException>(() => Host.Gate.CheckAsync(withoutData, Key(AccessGateFixture.SmsKey)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, first.StatusCode);
        Assert.Equal(first.Status, second.Status);
    }

    [Fact]
    public async Task ProviderWideGrant_CoversEveryBrand_OfThatProviderOnly()
    {
        var eposta = await Host.Gate.CheckAsync(Request(Channel.Eposta, Consents.Brand, 123456, ["ali.veli@example.com"]), Key(AccessGateFixture.MtaKey));
        var otherBrand = await Host.Gate.CheckAsync(Request(Channel.Mesaj, AccessGateFixture.OtherBrand, 123456, ["05321234567"]), Key(AccessGateFixture.MtaKey));
        var otherProvider = await Assert.ThrowsAsync<RpcException>(() => Host.Gate.CheckAsync(Request(Channel.Eposta, Consents.Brand, 654321, ["ali.veli@example.com"]), Key(AccessGateFixture.MtaKey)).ResponseAsync);

        Assert.Equal((byte)Reason.AllowedConsent, eposta.Reasons[0]);
        Assert.Equal((byte)Reason.DeniedNoConsent, otherBrand.Reasons[0]);
        Assert.Equal(StatusCode.PermissionDenied, otherProvider.StatusCode);
    }

    [Fact]
    public async Task Explain_IsItsOwnPermission_WithItsOwnBudget()
    {
        var explain = new ExplainRequest { IysCode = 123456, BrandCode = Consents.Brand, Channel = Channel.Mesaj, Recipient = "05321234567" };

        var notPermitted = await Assert.ThrowsAsync<RpcException>(() => Host.Gate.ExplainAsync(explain, Key(AccessGateFixture.SmsKey)).ResponseAsync);
        var first = await Host.Gate.ExplainAsync(explain, Key(AccessGateFixture.MtaKey));
        await Host.Gate.ExplainAsync(explain, Key(AccessGateFixture.MtaKey));
        var third = await Assert.ThrowsAsync<RpcException>(() => Host.Gate.ExplainAsync(explain, Key(AccessGateFixture.MtaKey)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, notPermitted.StatusCode);
        Assert.Equal(Reason.AllowedConsent, first.Reason);
        Assert.Equal(StatusCode.ResourceExhausted, third.StatusCode);
        Assert.Contains(third.Trailers, t => t.Key == "retry-after-ms" && long.Parse(t.Value, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task DotNetClient_RetriesAfterThePushback_ButNotAnOversizeBatch()
    {
        // A gate of its own whose clock is the test's: its token bucket refills only when the test
        // advances the clock, however slow the machine is between two calls.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        string decisions = Directory.CreateTempSubdirectory("sendgate-decisions-").FullName;
        await using var host = await GateHost.StartAsync(Consents.File, AccessGateFixture.Settings(decisions), services: s => s.AddSingleton<TimeProvider>(clock));
        using var http = new HttpClient { BaseAddress = host.Admin };
        // SendGate.Client's default channel: the key as call credentials, retries per gRPC A6.
        using var channel = GateChannel.Create(new GateClientOptions { Address = host.Address, ApiKey = AccessGateFixture.RetryingKey });
        var gate = new Contracts.V1.Gate.GateClient(channel);
        string[] eight = [.. Enumerable.Range(0, 8).Select(i => $"0532200000{i}")];

        var first = await gate.CheckAsync(Request(Channel.Mesaj, Consents.Brand, 123456, eight)); // 10 tokens, 2 left
        var secondCall = gate.CheckAsync(Request(Channel.Mesaj, Consents.Brand, 123456, eight)).ResponseAsync; // refused: the client waits out the 3 s pushback
        await ScrapeUntilAsync(http, m => PrometheusText.Sum(m, "sendgate_access_refused_total", ("client", "retrying"), ("reason", "rate_limited")) >= 1);
        clock.Advance(TimeSpan.FromSeconds(3)); // 2 + 3 s × 2 = 8 tokens for the retry
        var second = await secondCall;
        var tooLarge = await Assert.ThrowsAsync<RpcException>(() => gate.CheckAsync(Request(Channel.Mesaj, Consents.Brand, 123456, [.. eight, "05322000009"])).ResponseAsync);
        string metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(8, first.Reasons.Length);
        Assert.Equal(8, second.Reasons.Length);
        Assert.Equal(StatusCode.ResourceExhausted, tooLarge.StatusCode);
        Assert.Equal(1, PrometheusText.Sum(metrics, "sendgate_access_refused_total", ("client", "retrying"), ("reason", "batch_too_large"))); // pushback -1: asked once
        Directory.Delete(decisions, recursive: true);
    }

    /// <summary>Scrapes /metrics until <paramref name="holds"/> (at most 30 s); the last scrape.</summary>
    private static async Task<string> ScrapeUntilAsync(HttpClient admin, Func<string, bool> holds)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            string metrics = await admin.GetStringAsync(new Uri("/metrics", UriKind.Relative), patience.Token);
            if (holds(metrics))
            {
                return metrics;
            }

            await Task.Delay(20, patience.Token);
        }
    }

    [Fact]
    public async Task RateLimit_RefusesWholeBatches_WithARetryHint_AndCapsTheBatch()
    {
        string[] eight = [.. Enumerable.Range(0, 8).Select(i => $"0532100000{i}")];
        var admitted = await Host.Gate.CheckAsync(Request(Channel.Mesaj, Consents.Brand, 123456, eight), Key(AccessGateFixture.LimitedKey));
        var limited = await Assert.ThrowsAsync<RpcException>(() => Host.Gate.CheckAsync(Request(Channel.Mesaj, Consents.Brand, 123456, eight), Key(AccessGateFixture.LimitedKey)).ResponseAsync);
        var tooLarge = await Assert.ThrowsAsync<RpcException>(() => Host.Gate.CheckAsync(Request(Channel.Mesaj, Consents.Brand, 123456, [.. eight, "05321000009"]), Key(AccessGateFixture.LimitedKey)).ResponseAsync);

        Assert.Equal(8, admitted.Reasons.Length);
        Assert.Equal(StatusCode.ResourceExhausted, limited.StatusCode);
        long retry = long.Parse(limited.Trailers.Single(t => t.Key == "retry-after-ms").Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retry, 1, 8_000); // 6+ tokens missing at 1 per second
        Assert.Contains(limited.Trailers, t => t.Key == "grpc-retry-pushback-ms");
        Assert.Equal(StatusCode.ResourceExhausted, tooLarge.StatusCode);
        Assert.Contains("split", tooLarge.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_IsOpen_Reflection_IsClosed()
    {
        var health = await Host.Health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
        // Refused before a byte of the request is read: the answer comes without writing one (a
        // client still writing when the refusal lands sees its write cancelled, not the status).
        using var call = new Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(Host.Channel).ServerReflectionInfo();
        var reflection = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal(StatusCode.Unauthenticated, reflection.StatusCode);
    }

    [Fact]
    public async Task DecisionLog_ReconcilesWithTheAnswers_AndHoldsNoAddress()
    {
        string requestId = "reconcile-" + Guid.NewGuid().ToString("N");
        string[] recipients = ["05321234567", "05321234568", "+90 532 123 45 69", "not a phone", "05329876543"];
        var request = Sms(recipients);
        request.RequestId = requestId;

        var answer = await Host.Gate.CheckAsync(request, Key(AccessGateFixture.SmsKey));
        await Host.Services.GetRequiredService<DecisionLog>().DrainAsync(CancellationToken.None);
        string[] lines = [.. Directory.GetFiles(fixture.DecisionDirectory, "decisions-*.jsonl").SelectMany(File.ReadAllLines)];
        using var record = JsonDocument.Parse(lines.Single(l => l.Contains(requestId, StringComparison.Ordinal)));
        var root = record.RootElement;

        Assert.Equal("sms", root.GetProperty("client").GetString());
        Assert.Equal("Check", root.GetProperty("method").GetString());
        Assert.Equal(recipients.Length, root.GetProperty("recipients").GetInt32());
        Assert.Equal((int)answer.Allowed, root.GetProperty("allowed").GetInt32());
        var expectedCounts = answer.Reasons.ToByteArray().GroupBy(r => Core.Domain.ReasonRules.Name((Core.Domain.Reason)r)).ToDictionary(g => g.Key, g => g.Count());
        var loggedCounts = root.GetProperty("reasons").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(expectedCounts, loggedCounts);
        Assert.Equal((long)answer.Watermark.Version, root.GetProperty("watermark").GetProperty("version").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(KeysDigest(recipients)), root.GetProperty("keys_sha256").GetString());
        Assert.DoesNotContain(lines, l => l.Contains("532123", StringComparison.Ordinal) || l.Contains("5321234567", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refusals_AndPerClientCounts_AreInTheMetrics()
    {
        await Assert.ThrowsAsync<RpcException>(() => Host.Gate.CheckAsync(Request(Channel.Eposta, Consents.Brand, 123456, ["a@b.co"]), Key(AccessGateFixture.SmsKey)).ResponseAsync);
        await Host.Gate.CheckAsync(Sms(["05329999990", "05329999991"]), Key(AccessGateFixture.SmsKey));
        using var http = new HttpClient { BaseAddress = Host.Admin };

        // ASP.NET Core records a request's duration after its response has gone, and the decision
        // log writes behind the answer: both may trail the call the client saw end.
        string metrics = await ScrapeUntilAsync(http, m =>
            PrometheusText.Sum(m, "http_server_request_duration_seconds_count", ("http_route", "/sendgate.v1.Gate/Check"), ("rpc_grpc_status_code", "7")) >= 1 &&
            PrometheusText.Sum(m, "http_server_request_duration_seconds_count", ("http_route", "/sendgate.v1.Gate/Check"), ("rpc_grpc_status_code", "0")) >= 1 &&
            PrometheusText.Sum(m, "sendgate_decision_log_written_total") >= 1);

        Assert.True(PrometheusText.Sum(metrics, "sendgate_access_refused_total", ("client", "sms"), ("reason", "permission_denied")) >= 1);
        Assert.True(PrometheusText.Sum(metrics, "sendgate_client_recipients_denied_total", ("client", "sms")) >= 2);
        Assert.Equal(0, PrometheusText.Sum(metrics, "sendgate_decision_log_dropped_total")); // present before any drop, for alerts
    }

    /// <summary>What an investigator recomputes: SHA-256 over each recipient's 16-byte key in request order, zeros for an invalid one.</summary>
    private static byte[] KeysDigest(IEnumerable<string> recipients)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> key = stackalloc byte[16];
        foreach (string recipient in recipients)
        {
            key.Clear();
            if (GateHost.Hasher.TryHash(System.Text.Encoding.UTF8.GetBytes(recipient), Core.Domain.Channel.Mesaj, out var hashed) == Core.Recipients.RecipientError.None)
            {
                hashed.WriteTo(key);
            }

            sha.AppendData(key);
        }

        return sha.GetHashAndReset();
    }

    private static CheckRequest Sms(IEnumerable<string> recipients) => Request(Channel.Mesaj, Consents.Brand, 123456, recipients);

    private static CheckRequest Request(Channel channel, uint brand, uint iysCode, IEnumerable<string> recipients)
    {
        var request = GateEndToEndTests.Request(channel, RecipientType.Bireysel, recipients);
        request.BrandCode = brand;
        request.IysCode = iysCode;
        return request;
    }

    private static CallOptions Key(string key) => With("authorization", "Bearer " + key);

    private static CallOptions With(string header, string value) => new(headers: new Metadata { { header, value } });
}
