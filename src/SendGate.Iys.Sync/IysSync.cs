using System.Globalization;
using Microsoft.Extensions.Logging;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Iys.Sync.Api;
using SendGate.Kafka;

namespace SendGate.Iys.Sync;

/// <summary>What one round did for one brand and source.</summary>
public sealed record StreamSummary(uint Brand, string Source, int Pages, long Published, long DeadLettered, bool CaughtUp, bool Stopped, string? Error);

/// <summary>What one round did for every brand and source.</summary>
public sealed record SyncSummary(IReadOnlyList<StreamSummary> Streams)
{
    public bool AllCaughtUp => Streams.All(stream => stream.CaughtUp);

    public long Published => Streams.Sum(stream => stream.Published);

    public int Pages => Streams.Sum(stream => stream.Pages);
}

/// <summary>
/// The connector's work: for each brand and source, PULL pages from the stored cursor until an empty page, each item
/// decoded, validated and keyed exactly as <c>sendgate publish</c> does (plaintext hashed on arrival, iysCode and
/// brandCode from the path), published to the consent topic — and the cursor moved only once Kafka acknowledged the
/// whole page. A brand and source İYS refuses (a 4xx that is ours) stops with a sentence; one that fails otherwise —
/// İYS busy or down, an answer not in the documented shape, Kafka not acknowledging, a cursor file that cannot be
/// written — is retried next round; either way the other brands and sources go on.
/// </summary>
public sealed class IysSync : IDisposable
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);
    private readonly IysSyncOptions _options;
    private readonly KafkaFeedOptions _kafka;
    private readonly ConsentPublisher _publisher;
    private readonly IysItemPublisher _items;
    private readonly IysApi _api;
    private readonly BrandDirectory _brands;
    private readonly CursorStore _cursors;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly IysSyncMetrics _metrics;
    private readonly HashSet<(uint Brand, string Source)> _stopped = [];

    /// <summary>A connector over <paramref name="api"/>, shared with the push so that both use one token (İYS limits logins per hour).</summary>
    public IysSync(IysSyncOptions options, KafkaFeedOptions kafka, HashingKey key, IysApi api, TimeProvider clock, ILogger logger, IysSyncMetrics metrics, BrandDirectory? brands = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(key);
        _options = options;
        _kafka = kafka;
        _clock = clock;
        _logger = logger;
        _metrics = metrics;
        _publisher = ConsentPublisher.Create(kafka, logger, key.KeyId);
        _items = new IysItemPublisher(key, clock, _publisher, kafka.DeadLetterTopic);
        _api = api;
        _brands = brands ?? new BrandDirectory(options, api, clock, logger);
        _cursors = new CursorStore(options.CursorPath);
    }

    public string CursorDirectory => _cursors.Directory;

    /// <summary>One round over every brand and source not stopped, each until caught up or failed.</summary>
    /// <exception cref="IysApiException">A partner's brands could not be listed and none are known yet.</exception>
    public async Task<SyncSummary> RunRoundAsync(CancellationToken cancellationToken)
    {
        var streams = new List<StreamSummary>();
        foreach (var brand in await _brands.CurrentAsync(cancellationToken))
        {
            foreach (string source in _options.EffectiveSources)
            {
                streams.Add(_stopped.Contains((brand.BrandCode, source))
                    ? new StreamSummary(brand.BrandCode, source, 0, 0, 0, CaughtUp: false, Stopped: true, "stopped earlier (see the log)")
                    : await SyncStreamAsync(brand, source, cancellationToken));
            }
        }

        return new SyncSummary(streams);
    }

    public void Dispose() => _publisher.Dispose();

    private async Task<StreamSummary> SyncStreamAsync(IysBrand iysBrand, string source, CancellationToken cancellationToken)
    {
        uint brand = iysBrand.BrandCode;
        var cursor = _cursors.Load(brand, source, out string? problem);
        if (problem is not null)
        {
            IysSyncLog.CursorUnreadable(_logger, brand, source, problem);
        }

        _metrics.Track(cursor);
        bool expired = WarnIfOld(cursor);
        int pages = 0;
        long published = 0, deadLettered = 0;
        try
        {
            while (true)
            {
                ChangesPage page;
                try
                {
                    page = await _api.GetChangesAsync(iysBrand, source, cursor.After, cancellationToken);
                }
                catch (IysRefusedException) when (expired && cursor.After is not null)
                {
                    // İYS no longer knows a cursor this old: take what it still keeps (the gap was reported above),
                    // and count that window's days afresh, since it is pulled again from its start.
                    cursor = cursor with { After = null, Days = null };
                    expired = false;
                    continue;
                }

                if (page.Count == 0)
                {
                    cursor = cursor with { After = page.After ?? cursor.After, CaughtUpAt = _clock.GetUtcNow() };
                    _cursors.Save(cursor);
                    _metrics.Track(cursor);
                    IysSyncLog.CaughtUp(_logger, brand, source, pages, published, cursor.NewestChange);
                    return new StreamSummary(brand, source, pages, published, deadLettered, CaughtUp: true, Stopped: false, null);
                }

                var (pagePublished, pageDeadLettered, newest) = Publish(page, iysBrand, source, cursor.Events + deadLettered, cancellationToken);
                cursor = cursor with
                {
                    After = page.After,
                    NewestChange = newest > cursor.NewestChange || cursor.NewestChange is null ? newest : cursor.NewestChange,
                    Events = cursor.Events + pagePublished,
                    Days = DayCounts.Add(cursor.Days, page.Items.Select(range => (ReadOnlyMemory<byte>)page.Body.AsMemory()[range])),
                };
                _cursors.Save(cursor); // only now: every event of the page is in Kafka
                pages++;
                published += pagePublished;
                deadLettered += pageDeadLettered;
                _metrics.RecordPage(cursor, pagePublished, pageDeadLettered);
                IysSyncLog.PageDone(_logger, brand, source, page.Count, pagePublished, pageDeadLettered);
            }
        }
        catch (IysRefusedException exception)
        {
            _stopped.Add((brand, source));
            _metrics.RecordStopped(brand, source);
            IysSyncLog.StreamStopped(_logger, brand, source, exception.Message);
            return new StreamSummary(brand, source, pages, published, deadLettered, CaughtUp: false, Stopped: true, exception.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Anything else fails this brand and source for this round only: İYS down or over its limits, an answer
            // not in the documented shape, Kafka not acknowledging, a cursor file that cannot be written. The cursor
            // stayed where Kafka last acknowledged; the next round tries again.
            IysSyncLog.RoundFailed(_logger, brand, source, exception.Message);
            return new StreamSummary(brand, source, pages, published, deadLettered, CaughtUp: false, Stopped: false, exception.Message);
        }
    }

    /// <summary>Publishes the page's events and dead letters and waits for Kafka to acknowledge every one.</summary>
    /// <exception cref="SyncPublishException">Some were not acknowledged: the page will be pulled and published again.</exception>
    private (int Published, int DeadLettered, DateTimeOffset? Newest) Publish(ChangesPage page, IysBrand iysBrand, string source, long sequence, CancellationToken cancellationToken)
    {
        uint brand = iysBrand.BrandCode;
        long failedBefore = _publisher.Failed;
        int published = 0, deadLettered = 0;
        var newest = ConsentTime.None;
        string origin = string.Create(CultureInfo.InvariantCulture, $"iys/{brand}/{source}");
        for (int i = 0; i < page.Count; i++)
        {
            var outcome = _items.Publish(page.Item(i), iysBrand, origin, sequence + i);
            if (outcome.Published)
            {
                published++;
                newest = outcome.ModifiedAt > newest ? outcome.ModifiedAt : newest;
            }
            else
            {
                IysSyncLog.DeadLettered(_logger, brand, source, i, _kafka.DeadLetterTopic, outcome.Rejection!);
                deadLettered++;
            }
        }

        _publisher.Flush(cancellationToken);
        long failed = _publisher.Failed - failedBefore;
        if (failed > 0)
        {
            throw new SyncPublishException(string.Create(CultureInfo.InvariantCulture,
                $"Kafka did not acknowledge {failed} of the page's {page.Count} events ({_publisher.FirstFailure}); the cursor was not moved"));
        }

        return (published, deadLettered, newest.IsNone ? null : newest.ToDateTimeOffset());
    }

    private bool WarnIfOld(SyncCursor cursor)
    {
        if (cursor.CaughtUpAt is not { } caughtUp || cursor.After is null)
        {
            return false;
        }

        var age = _clock.GetUtcNow() - caughtUp;
        if (age > Retention)
        {
            IysSyncLog.CursorExpired(_logger, cursor.Brand, cursor.Source, age.TotalDays);
            return true;
        }

        if (age > _options.CursorWarningAge)
        {
            IysSyncLog.CursorOld(_logger, cursor.Brand, cursor.Source, age.TotalDays);
        }

        return false;
    }
}

/// <summary>Kafka did not acknowledge every event of a page; nothing was lost (the cursor stayed), the page will be published again.</summary>
public sealed class SyncPublishException(string message) : Exception(message);
