using Microsoft.Extensions.DependencyInjection;
using SendGate.Feed.Status;
using SendGate.Tests.Support;
using ConsentStatus = SendGate.Core.Domain.ConsentStatus;
using MessageKind = SendGate.Core.Domain.MessageKind;
using Reason = SendGate.Core.Domain.Reason;

namespace SendGate.Kafka.Tests;

/// <summary>
/// The broker goes away mid-stream and comes back: the gate keeps answering, turns commercial
/// checks to STALE once the staleness bound passes (informational traffic still served), and
/// on the broker's return catches up with nothing lost. A private broker: stopping the shared
/// one would disturb the other tests.
/// </summary>
[Collection(Alone)]
public sealed class BrokerOutageTests : IAsyncLifetime
{
    public const string Alone = "run alone";

    private readonly KafkaBroker _broker = new();

    public Task InitializeAsync() => _broker.InitializeAsync();

    public Task DisposeAsync() => _broker.DisposeAsync();

    [Fact]
    public async Task Gate_GoesStaleWhileTheBrokerIsDown_AndCatchesUpWithNothingLost()
    {
        string topic = "consents-outage", dlq = "consents-outage.dlq";
        await _broker.CreateTopicAsync(topic, 2);
        await _broker.CreateTopicAsync(dlq, 1, "delete");
        Publish(topic, ("05321230001", ConsentStatus.Onay, "2024-01-01 10:00:00"), ("05321230002", ConsentStatus.Onay, "2024-01-01 10:00:00"));

        var settings = _broker.GateSettings(topic, dlq);
        settings["Policy:MaxStaleness"] = "00:00:02";
        await using var gate = await GateHost.StartAsync("", settings);
        // Fresh once a probe within the 2 s bound is satisfied (on a loaded machine, not at the first instant).
        await Events.EventuallyAsync(gate, "05321230001", Reason.AllowedConsent);
        await Events.EventuallyAsync(gate, "05321230002", Reason.AllowedConsent);

        await _broker.StopAsync();
        await Events.EventuallyAsync(gate, "05321230001", Reason.DeniedStaleIndex);
        Assert.Equal([Reason.AllowedInformational], await Events.CheckAsync(gate, MessageKind.Informational, Core.Domain.RecipientType.Bireysel, "05321230001"));
        var stale = gate.Services.GetRequiredService<FeedStatus>().Current.FreshAsOf;

        await _broker.StartAsync();
        Publish(topic, ("05321230001", ConsentStatus.Ret, "2024-02-01 10:00:00"), ("05321230003", ConsentStatus.Onay, "2024-02-01 10:00:00"));

        // Two partitions: each change arrives on its own, in either order.
        await Events.EventuallyAsync(gate, "05321230003", Reason.AllowedConsent);
        await Events.EventuallyAsync(gate, "05321230001", Reason.DeniedRefused);
        Assert.Equal([Reason.DeniedRefused, Reason.AllowedConsent, Reason.AllowedConsent], await Events.CheckAsync(gate, "05321230001", "05321230002", "05321230003"));
        var progress = await gate.OffsetsAsync(4);
        Assert.True(progress.FreshAsOf > stale, "freshness did not resume after the broker came back");
        Assert.Equal(4, progress.Positions.Sum(p => p.Offset));
    }

    private void Publish(string topic, params (string Phone, ConsentStatus Status, string Modified)[] changes)
    {
        using var publisher = new ConsentPublisher(_broker.Producer(topic), topic, GateHost.Hasher.KeyId);
        foreach (var (phone, status, modified) in changes)
        {
            publisher.Publish(Events.Change(phone, status, modified));
        }

        publisher.Flush(CancellationToken.None);
        Assert.Equal(0, publisher.Failed);
        Assert.Equal(changes.Length, publisher.Delivered);
    }
}

/// <summary>
/// Tests whose outcome depends on freshness bounds of a few seconds run alone, not beside the collections that
/// start several gate processes (sharding, crash recovery): two cores shared with those starve the freshness probe.
/// </summary>
[CollectionDefinition(BrokerOutageTests.Alone, DisableParallelization = true)]
public sealed class RunAlone;
