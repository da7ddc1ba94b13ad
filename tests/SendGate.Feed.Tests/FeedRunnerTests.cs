using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SendGate.Core.Consent;
using SendGate.Core.Hashing;
using SendGate.Feed.Checkpoints;
using SendGate.Feed.File;
using SendGate.Feed.Pipeline;
using SendGate.Feed.Status;
using SendGate.Index;
using SendGate.Index.Records;

namespace SendGate.Feed.Tests;

/// <summary>The one feed lifecycle over the İYS file source: load, follow, checkpoint exactly what was applied, resume.</summary>
public sealed class FeedRunnerTests : IDisposable
{
    private const string Lines = """
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"+905321234567","status":"ONAY","source":"HS_WEB","consentDate":"2024-03-01 10:00:00","creationDate":"2024-03-01 10:00:05"}
        {"iysCode":123456,"brandCode":123457,"type":"MESAJ","recipientType":"BIREYSEL","recipient":"05321234568","status":"RET","source":"IYS_MOBIL","consentDate":"2024-04-10 09:30:00","creationDate":"2024-04-10 09:30:02"}

        not json
        {"recipient":"+905321234569","lineClosedDate":"2024-05-01 00:00:00"}
        """;

    private const string Appended = """
        {"iysCode":123456,"brandCode":123457,"type":"EPOSTA","recipient":"ali@example.com","status":"ONAY","consentDate":"2024-01-15 08:00:00","creationDate":"2024-01-15 08:00:01"}

        """;

    private static readonly RecipientHasher Hasher = new(HashingKey.ParseBase64("c2VuZGdhdGUtdGVzdGtleQ=="));
    private readonly string _file = Path.Combine(Directory.CreateTempSubdirectory("sendgate-feed-").FullName, "consents.jsonl");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Fact]
    public async Task File_IsLoadedFollowedAndCheckpointed_ThenResumedWithoutReplaying()
    {
        await System.IO.File.WriteAllTextAsync(_file, Lines + "\n");
        var checkpoints = new RecordedCheckpoints(resume: null);
        var (runner, store, status) = Start(checkpoints);

        await status.CaughtUp.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, store.Index.Count);
        Assert.Equal(1, store.Index.ClosureCount);
        Assert.Equal(3, runner.Applied);
        Assert.Equal(1, runner.Rejected); // "not json", by line number; the empty line is no event
        Assert.NotNull(status.Current.FreshAsOf);

        // Appended lines are picked up at the next poll, and the poll confirms freshness anew.
        await System.IO.File.AppendAllTextAsync(_file, Appended);
        var before = status.Current.FreshAsOf;
        await Until(() => { _clock.Advance(TimeSpan.FromMilliseconds(500)); return runner.Applied == 4 && status.Current.FreshAsOf > before; });
        Assert.Equal(6, status.Current.Positions.Single().Offset); // lines read, empty ones included

        await runner.StopAsync(CancellationToken.None);
        var last = checkpoints.Points[^1];
        Assert.Equal(["file:" + Path.GetFullPath(_file)], checkpoints.Points.Select(p => p.Source).Distinct());
        Assert.Equal([new FileInfo(_file).Length, 6L], last.Positions);
        runner.Dispose();

        // Resumed at the recorded point: nothing applied again, the positions carried over.
        var (resumed, _, resumedStatus) = Start(new RecordedCheckpoints(last));
        await resumedStatus.CaughtUp.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, resumed.Applied);
        Assert.Equal(6, resumedStatus.Current.Positions.Single().Offset);
        await resumed.StopAsync(CancellationToken.None);
        resumed.Dispose();
    }

    [Fact]
    public async Task UnreadableFile_FailsTheFeed_WithASentence()
    {
        var (runner, _, status) = Start(new RecordedCheckpoints(resume: null));

        var failure = await Assert.ThrowsAsync<FeedSourceException>(() => status.CaughtUp.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(_file, failure.Message, StringComparison.Ordinal);
        await runner.StopAsync(CancellationToken.None);
        runner.Dispose();
    }

    public void Dispose()
    {
        _metrics.Dispose();
        Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);
    }

    private (FeedRunner Runner, ConsentStore Store, FeedStatus Status) Start(IFeedCheckpoints checkpoints)
    {
        var factory = new FeedEventFactory(Hasher, _clock);
        var status = new FeedStatus();
        var metrics = new FeedMetrics(_metrics.GetRequiredService<IMeterFactory>(), status);
        var options = Options.Create(new FileFeedOptions { Path = _file, PollInterval = TimeSpan.FromSeconds(1) });
        var source = new FileConsentSource(factory, metrics, options, NullLogger<FileConsentSource>.Instance, _clock);
        var store = new ConsentStore(new ConsentIndex(new ConsentIndexOptions { ExpectedTuples = 1 << 10 }), new InMemoryConsentRecordStore());
        var runner = new FeedRunner(source, store, status, metrics, checkpoints, NullLogger<FeedRunner>.Instance);
        runner.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return (runner, store, status);
    }

    private static async Task Until(Func<bool> condition)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, patience.Token);
        }
    }

    /// <summary>Durable state as the runner sees it, recorded: what it recovers, every point it checkpoints.</summary>
    private sealed class RecordedCheckpoints(FeedResumePoint? resume) : IFeedCheckpoints
    {
        public List<FeedResumePoint> Points { get; } = [];

        public bool Due => false;

        public FeedResumePoint? Recover(string source, CancellationToken cancellationToken) => resume;

        public void Checkpoint(FeedResumePoint point) => Points.Add(point);
    }
}
