using SendGate.Contracts.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SendGate.Tests.Support;

namespace SendGate.Server.Tests;

/// <summary>What needs its own host: appended lines, staleness, limits.</summary>
public sealed class GateLifecycleTests
{

    [Fact]
    public async Task AppendedLines_AreServedWithoutARestart()
    {
        await using var host = await GateHost.StartAsync(Consents.File);
        var before = await host.Gate.CheckAsync(GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567"]));

        await host.AppendAsync("""
            {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"+905321234567","status":"RET","source":"IYS_MOBIL","consentDate":"2025-01-01 10:00:00","creationDate":"2025-01-01 10:00:01","transactionId":"tx-later"}

            """);
        var after = await host.Gate.CheckAsync(GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567"]));

        Assert.Equal((byte)Reason.AllowedConsent, before.Reasons[0]);
        Assert.Equal((byte)Reason.DeniedRefused, after.Reasons[0]);
        Assert.True(after.Watermark.Positions[0].Offset > before.Watermark.Positions[0].Offset);
    }

    [Fact]
    public async Task StaleData_DeniesCommercial_ButServesInformational()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await GateHost.StartAsync(Consents.File, new()
        {
            ["Feed:File:PollInterval"] = "01:00:00", // the feed will not confirm freshness again
            ["Policy:MaxStaleness"] = "00:05:00",
        }, services: s => s.AddSingleton<TimeProvider>(clock));
        var fresh = await host.Gate.CheckAsync(GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567"]));

        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var commercial = await host.Gate.CheckAsync(GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567"]));
        var informational = GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567"]);
        informational.Kind = MessageKind.Informational;
        var info = await host.Gate.CheckAsync(informational);

        Assert.Equal((byte)Reason.AllowedConsent, fresh.Reasons[0]);
        Assert.Equal((byte)Reason.DeniedStaleIndex, commercial.Reasons[0]);
        Assert.Equal((byte)Reason.AllowedInformational, info.Reasons[0]);
    }

    [Fact]
    public async Task FailOpen_ServesStaleDataAsItIs()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await GateHost.StartAsync(Consents.File, new()
        {
            ["Feed:File:PollInterval"] = "01:00:00",
            ["Policy:MaxStaleness"] = "00:05:00",
            ["Policy:FailClosed"] = "false",
        }, services: s => s.AddSingleton<TimeProvider>(clock));

        clock.Advance(TimeSpan.FromMinutes(10));
        var response = await host.Gate.CheckAsync(GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567"]));

        Assert.Equal((byte)Reason.AllowedConsent, response.Reasons[0]);
    }

    [Fact]
    public async Task OversizeBatch_IsInvalidArgumentNamingTheLimit()
    {
        await using var host = await GateHost.StartAsync(Consents.File, new() { ["Limits:MaxBatch"] = "100" });

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Gate.CheckAsync(GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, Enumerable.Repeat("05321234567", 101))).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("At most 100 recipients", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("101", error.Status.Detail, StringComparison.Ordinal);
    }
}
