using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using SendGate.Contracts.V1;
using SendGate.Core.Recipients;
using SendGate.Feed.Pipeline;
using Grpc.Core;
using Grpc.Health.V1;
using SendGate.Tests.Support;
using SendGate.LoadDriver.Measuring;

namespace SendGate.Server.Tests;

public sealed class GateServerFixture : IAsyncLifetime
{
    public GateHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await GateHost.StartAsync(Consents.File);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>The gate end to end over loopback: the real host, the real transport, the project's client.</summary>
public sealed class GateEndToEndTests(GateServerFixture fixture) : IClassFixture<GateServerFixture>
{

    private GateHost Host => fixture.Host;

    public static TheoryData<string, Channel, RecipientType, Reason> Decisions => new()
    {
        { "0532 123 45 67", Channel.Mesaj, RecipientType.Bireysel, Reason.AllowedConsent },
        { "+90 (532) 123-45-68", Channel.Mesaj, RecipientType.Bireysel, Reason.DeniedRefused },
        { "05321234569", Channel.Mesaj, RecipientType.Bireysel, Reason.DeniedLineClosed },
        { "05321234560", Channel.Mesaj, RecipientType.Tacir, Reason.AllowedConsent },
        { "05321234560", Channel.Mesaj, RecipientType.Bireysel, Reason.DeniedNoConsent }, // TACIR and BIREYSEL are separate records
        { "05321234560", Channel.Arama, RecipientType.Tacir, Reason.DeniedNoConsent },    // so are channels
        { "ali.veli@example.com", Channel.Eposta, RecipientType.Bireysel, Reason.AllowedConsent },
        { "05321234561", Channel.Mesaj, RecipientType.Bireysel, Reason.DeniedRefused },    // the RET is newer, whatever the line order
        { "05321234562", Channel.Mesaj, RecipientType.Bireysel, Reason.AllowedConsent },   // consent newer than the closure
        { "05329999999", Channel.Mesaj, RecipientType.Bireysel, Reason.DeniedNoConsent },
        { "ali.veli@example.com", Channel.Mesaj, RecipientType.Bireysel, Reason.DeniedInvalidRecipient },
        { "12345", Channel.Mesaj, RecipientType.Bireysel, Reason.DeniedInvalidRecipient },
        { "05321234567", Channel.Eposta, RecipientType.Bireysel, Reason.DeniedInvalidRecipient },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public async Task Check_DecidesEveryRowOfTheTable(string recipient, Channel channel, RecipientType type, Reason expected)
    {
        var response = await Host.Gate.CheckAsync(Request(channel, type, [recipient]));

        Assert.Equal([(byte)expected], response.Reasons.ToByteArray());
    }

    [Fact]
    public async Task Check_InformationalAndExempt_AreAllowedWithoutConsent()
    {
        var informational = Request(Channel.Mesaj, RecipientType.Bireysel, ["05329999999", "05321234568", "bad"]);
        informational.Kind = MessageKind.Informational;
        var exempt = Request(Channel.Mesaj, RecipientType.Bireysel, ["05329999999", "bad"]);
        exempt.IysCode = 999999; // Policy:ExemptIysCodes

        var a = await Host.Gate.CheckAsync(informational);
        var b = await Host.Gate.CheckAsync(exempt);

        Assert.Equal([(byte)Reason.AllowedInformational, (byte)Reason.AllowedInformational, (byte)Reason.DeniedInvalidRecipient], a.Reasons.ToByteArray());
        Assert.Equal([(byte)Reason.AllowedExemptSender, (byte)Reason.DeniedInvalidRecipient], b.Reasons.ToByteArray());
    }

    [Fact]
    public async Task Check_ReportsCountsAllowedRequestIdAndWatermark()
    {
        var request = Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567", "05321234568", "05329999999", "05329999998", "x"]);

        var response = await Host.Gate.CheckAsync(request);

        Assert.Equal(request.RequestId, response.RequestId);
        Assert.Equal(1u, response.Allowed);
        Assert.Equal([(Reason.AllowedConsent, 1u), (Reason.DeniedNoConsent, 2u), (Reason.DeniedRefused, 1u), (Reason.DeniedInvalidRecipient, 1u)], response.Counts.Select(c => (c.Reason, c.Count)));
        var position = Assert.Single(response.Watermark.Positions);
        Assert.Equal("file:consents.jsonl", position.Topic);
        Assert.True(position.Offset >= Consents.Lines);
        Assert.True(response.Watermark.Version > 0);
        Assert.NotNull(response.Watermark.FreshAsOf);
        Assert.Equal(new DateTimeOffset(2024, 6, 1, 7, 0, 4, TimeSpan.Zero), response.Watermark.NewestChangeTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task Check_PreHashedKeys_AnswerAsTheAddressesDo()
    {
        string[] recipients = ["+905321234567", "+905321234568", "+905329999999"];
        var byKey = Request(Channel.Mesaj, RecipientType.Bireysel, []);
        foreach (string recipient in recipients)
        {
            Assert.Equal(RecipientError.None, GateHost.Hasher.TryHash(recipient.AsSpan(), Core.Domain.Channel.Mesaj, out var key));
            byKey.RecipientKeys.Add(ByteString.CopyFrom(key.ToArray()));
        }

        byKey.RecipientKeys.Add(ByteString.CopyFrom(new byte[15])); // malformed: invalid for that recipient only
        byKey.KeyId = GateHost.Hasher.KeyId;

        var byAddress = await Host.Gate.CheckAsync(Request(Channel.Mesaj, RecipientType.Bireysel, recipients));
        var keyed = await Host.Gate.CheckAsync(byKey);

        Assert.Equal([.. byAddress.Reasons.ToByteArray(), (byte)Reason.DeniedInvalidRecipient], keyed.Reasons.ToByteArray());
    }

    [Fact]
    public async Task Check_KeysFromAnotherHashingKey_FailPrecondition()
    {
        var request = Request(Channel.Mesaj, RecipientType.Bireysel, []);
        request.RecipientKeys.Add(ByteString.CopyFrom(new byte[16]));
        request.KeyId = GateHost.Hasher.KeyId ^ 1;

        var error = await Assert.ThrowsAsync<RpcException>(() => Host.Gate.CheckAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { "both", "not both" },
        { "channel", "channel is required" },
        { "brand", "brand_code is required" },
        { "type", "recipient_type" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Check_BadRequest_IsInvalidArgumentSayingWhatToFix(string problem, string message)
    {
        var request = Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567"]);
        switch (problem)
        {
            case "both":
                request.RecipientKeys.Add(ByteString.CopyFrom(new byte[16]));
                break;
            case "channel":
                request.Channel = Channel.Unspecified;
                break;
            case "brand":
                request.BrandCode = 0;
                break;
            case "type":
                request.RecipientType = (RecipientType)7;
                break;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => Host.Gate.CheckAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(message, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_EmptyBatch_IsAnEmptyAnswer()
    {
        var response = await Host.Gate.CheckAsync(Request(Channel.Mesaj, RecipientType.Bireysel, []));

        Assert.Equal(0, response.Reasons.Length);
        Assert.Empty(response.Counts);
    }

    [Fact]
    public async Task CheckStream_AnswersEachRequestInOrder()
    {
        using var call = Host.Gate.CheckStream();
        string[][] batches = [["05321234567"], ["05321234568", "05329999999"], ["ali.veli@example.com"]];
        foreach (var batch in batches)
        {
            var request = Request(Channel.Mesaj, RecipientType.Bireysel, batch);
            request.RequestId = "batch-" + batch.Length;
            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        var responses = new List<CheckResponse>();
        while (await call.ResponseStream.MoveNext())
        {
            responses.Add(call.ResponseStream.Current);
        }

        Assert.Equal(["batch-1", "batch-2", "batch-1"], responses.Select(r => r.RequestId));
        Assert.Equal([1, 2, 1], responses.Select(r => r.Reasons.Length));
        Assert.Equal((byte)Reason.AllowedConsent, responses[0].Reasons[0]);
        Assert.Equal((byte)Reason.DeniedInvalidRecipient, responses[2].Reasons[0]);
    }

    [Fact]
    public async Task Explain_ShowsTheRecordTheLineClosureAndTheRule()
    {
        var closed = await Host.Gate.ExplainAsync(new ExplainRequest { BrandCode = Consents.Brand, Channel = Channel.Mesaj, Recipient = "0532 123 45 69" });
        var allowed = await Host.Gate.ExplainAsync(new ExplainRequest { BrandCode = Consents.Brand, Channel = Channel.Mesaj, Recipient = "05321234567" });

        Assert.Equal(Reason.DeniedLineClosed, closed.Reason);
        Assert.Equal("tx-closed", closed.Record.TransactionId);
        Assert.Equal(new DateTimeOffset(2024, 4, 30, 21, 0, 0, TimeSpan.Zero), closed.LineClosedAt.ToDateTimeOffset());
        Assert.Contains("closed", closed.Detail, StringComparison.Ordinal);
        Assert.Equal("+905321234569", closed.NormalizedRecipient);
        Assert.Equal(Reason.AllowedConsent, allowed.Reason);
        Assert.Equal(ConsentStatus.Onay, allowed.Record.Status);
        Assert.Equal("HS_WEB", allowed.Record.Source);
        Assert.Equal("7", allowed.Record.RetailerCode);
        Assert.Equal(["7", "8"], allowed.Record.RetailerAccess);
        Assert.Equal(123456u, allowed.Record.IysCode);
    }

    [Fact]
    public async Task Explain_ByKey_AndInvalidRecipients()
    {
        Assert.Equal(RecipientError.None, GateHost.Hasher.TryHash("+905321234568".AsSpan(), Core.Domain.Channel.Mesaj, out var key));

        var byKey = await Host.Gate.ExplainAsync(new ExplainRequest { BrandCode = Consents.Brand, Channel = Channel.Mesaj, RecipientKey = ByteString.CopyFrom(key.ToArray()) });
        var invalid = await Host.Gate.ExplainAsync(new ExplainRequest { BrandCode = Consents.Brand, Channel = Channel.Mesaj, Recipient = "ali.veli@example.com" });
        var neither = await Assert.ThrowsAsync<RpcException>(() => Host.Gate.ExplainAsync(new ExplainRequest { BrandCode = Consents.Brand, Channel = Channel.Mesaj }).ResponseAsync);

        Assert.Equal(Reason.DeniedRefused, byKey.Reason);
        Assert.Equal("tx-ret", byKey.Record.TransactionId);
        Assert.Equal(Reason.DeniedInvalidRecipient, invalid.Reason);
        Assert.Contains("e-mail address on a phone channel", invalid.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, neither.StatusCode);
    }

    [Fact]
    public async Task Feed_BadLinesAreSkippedAndCounted_TheRestIsServed()
    {
        var feed = Host.Services.GetRequiredService<FeedRunner>();

        Assert.True(feed.Rejected >= 2);
        var response = await Host.Gate.CheckAsync(Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234563"]));
        Assert.Equal([(byte)Reason.DeniedNoConsent], response.Reasons.ToByteArray());
    }

    [Fact]
    public async Task Health_IsServing_AndReflectionListsTheGate()
    {
        var server = await Host.Health.CheckAsync(new HealthCheckRequest());
        var gate = await Host.Health.CheckAsync(new HealthCheckRequest { Service = "sendgate.v1.Gate" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, server.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, gate.Status);

        // Both reflection versions (grpcurl and Postman still ask v1alpha) list and describe the
        // gate, whose methods are bound by its own provider and so are listed by configuration.
        using var v1 = new Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(Host.Channel).ServerReflectionInfo();
        await v1.RequestStream.WriteAsync(new Grpc.Reflection.V1.ServerReflectionRequest { ListServices = string.Empty });
        await v1.RequestStream.WriteAsync(new Grpc.Reflection.V1.ServerReflectionRequest { FileContainingSymbol = "sendgate.v1.Gate" });
        await v1.RequestStream.CompleteAsync();
        Assert.True(await v1.ResponseStream.MoveNext());
        var listed = v1.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();
        Assert.True(await v1.ResponseStream.MoveNext());
        var file = Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(v1.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto[0]);

        using var v1alpha = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(Host.Channel).ServerReflectionInfo();
        await v1alpha.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = string.Empty });
        await v1alpha.RequestStream.CompleteAsync();
        Assert.True(await v1alpha.ResponseStream.MoveNext());
        var listedAlpha = v1alpha.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();

        Assert.Contains("sendgate.v1.Gate", listed);
        Assert.Contains("grpc.health.v1.Health", listed);
        Assert.Equal(listed.Order(StringComparer.Ordinal), listedAlpha.Order(StringComparer.Ordinal));
        Assert.Equal("sendgate/v1/gate.proto", file.Name);
        Assert.Equal(["Check", "CheckStream", "Explain", "RecordOptOut"], file.Service.Single(s => s.Name == "Gate").Method.Select(m => m.Name));
    }

    [Fact]
    public async Task Admin_ServesMetricsAndReadiness()
    {
        await Host.Gate.CheckAsync(Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567"]));
        using var http = new HttpClient { BaseAddress = Host.Admin };

        string metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));

        Assert.True(PrometheusText.Sum(metrics, "sendgate_check_recipients_total", ("reason", "ALLOWED_CONSENT")) >= 1);
        Assert.True(PrometheusText.Sum(metrics, "sendgate_index_tuples") > 0);
        Assert.True(PrometheusText.Sum(metrics, "sendgate_check_duration_seconds_bucket", ("le", "+Inf")) >= 1);
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Admin_ExposesRuntimeCountersAsRunningTotals()
    {
        // The gate runs in this process, so its runtime counters are this process's. An observable
        // counter reports its running total at every scrape; summing the reports would double it.
        using var http = new HttpClient { BaseAddress = Host.Admin };
        // The runtime counts a collection under the oldest generation it collected: full
        // collections are the gen2 series, and GC.CollectionCount(2) counts exactly those.
        GC.Collect();
        long before = GC.CollectionCount(2);

        double first = FullCollections(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        double second = FullCollections(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        long after = GC.CollectionCount(2);

        Assert.InRange(first, before, after);
        Assert.InRange(second, first, after);
    }

    private static double FullCollections(string metrics) =>
        PrometheusText.Sum(metrics, "dotnet_gc_collections_total", ("gc_heap_generation", "gen2")) ?? throw new Xunit.Sdk.XunitException("no gen2 series in /metrics");

    internal static CheckRequest Request(Channel channel, RecipientType type, IEnumerable<string> recipients)
    {
        var request = new CheckRequest
        {
            RequestId = "test-" + Guid.NewGuid().ToString("N"),
            IysCode = 123456,
            BrandCode = Consents.Brand,
            Channel = channel,
            RecipientType = type,
            Kind = MessageKind.Commercial,
        };
        request.Recipients.AddRange(recipients);
        return request;
    }
}
