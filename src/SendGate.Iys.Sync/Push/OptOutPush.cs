using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SendGate.Contracts;
using SendGate.Contracts.V1;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Iys.Sync.Api;
using SendGate.Kafka;

namespace SendGate.Iys.Sync.Push;

/// <summary>What one push round did.</summary>
public sealed record PushSummary(int Read, int AlreadyKnown, int Uploaded, int Accepted, int Refused, int Pending, int Unreadable, IReadOnlyList<UploadEntry> RefusedEntries, string? Error)
{
    /// <summary>Every refusal read has İYS's final answer (accepted or refused) and nothing failed.</summary>
    public bool Settled => Pending == 0 && Error is null;
}

/// <summary>
/// <c>sendgate iys push</c>: the refusals gates recorded (the opt-out topic, from where this group last committed)
/// uploaded to İYS in bulk writes per brand (addBatchConsent), then İYS's per-item answers read back
/// (searchRequestDetails) — first 300 s after the write, as İYS's document asks (<see cref="IysSyncOptions.PushFirstAsk"/>),
/// then every <see cref="IysSyncOptions.PushPollInterval"/> while items are still <c>enqueue</c>; an empty or partial
/// answer leaves the rest waiting, never refused. The ledger is written before the topic offsets are committed and
/// after İYS took each request: a refusal with a ledger entry is never uploaded again. The one window left — a crash
/// after İYS took a request and before its id was written — makes İYS see the refusal twice, and it refuses the
/// repeat with H174 (the status is already RET), which the ledger records as accepted: İYS holds the refusal.
/// </summary>
public sealed class OptOutPush : IDisposable
{
    /// <summary>How long İYS keeps a bulk write's request id; unanswered past it, the outcome cannot be learnt.</summary>
    private static readonly TimeSpan RequestIdsKept = TimeSpan.FromDays(60);
    private readonly IysSyncOptions _options;
    private readonly KafkaFeedOptions _topic;
    private readonly AddressSeal _seal;
    private readonly IysApi _api;
    private readonly OptOutLedger _ledger;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;

    private readonly IysSyncMetrics _metrics;

    public OptOutPush(IysSyncOptions options, KafkaFeedOptions kafka, OptOutOptions optOut, AddressSeal seal, IysApi api, TimeProvider clock, ILogger logger, IysSyncMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(optOut);
        _options = options;
        _seal = seal;
        _api = api;
        _clock = clock;
        _logger = logger;
        _metrics = metrics;
        _ledger = new OptOutLedger(options.CursorPath);
        _topic = new KafkaFeedOptions { BootstrapServers = kafka.BootstrapServers, Topic = optOut.Topic, GroupId = options.PushGroup, RequestTimeout = kafka.RequestTimeout };
        foreach (var (name, value) in kafka.Properties)
        {
            _topic.Properties[name] = value;
        }

        _consumer = KafkaClients.Consumer(_topic, logger);
    }

    /// <summary>
    /// Uploads what is new, then asks İYS about every bulk write that is due; with <paramref name="waitUntil"/>, goes on
    /// asking (at İYS's pace) until every refusal has its answer or that time has come — the one-shot command waits,
    /// the worker does not.
    /// </summary>
    public async Task<PushSummary> RunRoundAsync(CancellationToken cancellationToken, DateTimeOffset? waitUntil = null)
    {
        int read = 0, known = 0, uploaded = 0, unreadable = 0;
        try
        {
            var (records, ends) = ReadNew(cancellationToken);
            read = records.Count;
            var fresh = new List<(OptOutRecorded Record, string Address)>();
            foreach (var record in records)
            {
                if (_ledger.Find(record.OptOutId) is not null)
                {
                    known++;
                }
                else if (_seal.TryOpen(record.SealedRecipient.Span, Encoding.UTF8.GetBytes(record.OptOutId), out byte[] address))
                {
                    fresh.Add((record, Encoding.UTF8.GetString(address)));
                }
                else
                {
                    unreadable++;
                    _ledger.Save(Entry(record, UploadState.Unreadable, null, -1) with { Message = "the sealed address does not open under OptOut:SealingKey" });
                    IysSyncLog.OptOutUnreadable(_logger, record.OptOutId, record.BrandCode);
                }
            }

            foreach (var brand in fresh.GroupBy(item => BrandOf(item.Record.IysCode, item.Record.BrandCode)))
            {
                foreach (var chunk in brand.DistinctBy(item => item.Record.OptOutId).Chunk(_options.PushBatch))
                {
                    var items = chunk.Select(item => new IysConsentWrite(item.Record.Channel.ToDomain().Name(), item.Address, item.Record.RecipientType.ToDomain().Normalize().Name(), "RET",
                        ConsentTime.FromDateTimeOffset(item.Record.RefusedAt.ToDateTimeOffset()).ToIysString(), item.Record.Source)).ToList();
                    string requestId = await _api.SubmitConsentsAsync(brand.Key, items, cancellationToken);
                    var submitted = _clock.GetUtcNow();
                    for (int i = 0; i < chunk.Length; i++)
                    {
                        _ledger.Save(Entry(chunk[i].Record, UploadState.Submitted, requestId, i) with { IysCode = brand.Key.IysCode, SubmittedAt = submitted });
                    }

                    uploaded += chunk.Length;
                    IysSyncLog.OptOutsSubmitted(_logger, chunk.Length, brand.Key.BrandCode, requestId);
                }
            }

            Commit(ends); // every refusal read is in the ledger now
            return await SettleAsync(read, known, uploaded, unreadable, null, waitUntil, cancellationToken);
        }
        catch (Exception exception) when (exception is IysApiException or KafkaException or InvalidProtocolBufferException)
        {
            IysSyncLog.PushFailed(_logger, exception.Message);
            return await SettleAsync(read, known, uploaded, unreadable, exception.Message, waitUntil, cancellationToken);
        }
    }

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
    }

    /// <summary>Asks İYS about every bulk write that is due; with <paramref name="waitUntil"/>, again as each comes due until all are answered.</summary>
    private async Task<PushSummary> SettleAsync(int read, int known, int uploaded, int unreadable, string? error, DateTimeOffset? waitUntil, CancellationToken cancellationToken)
    {
        int accepted = 0, refused = 0, asked = 0;
        var refusedEntries = new List<UploadEntry>();
        var submitted = _ledger.Submitted(); // read again only after answers changed it
        while (error is null)
        {
            var now = _clock.GetUtcNow();
            int askedBefore = asked;
            foreach (var request in submitted.GroupBy(entry => (Brand: BrandOf(entry.IysCode, entry.Brand), RequestId: entry.RequestId!)).Where(request => NextAsk(request.First()) <= now))
            {
                IReadOnlyList<BulkItemStatus> results;
                try
                {
                    results = await _api.GetBulkStatusAsync(request.Key.Brand, request.Key.RequestId, cancellationToken);
                }
                catch (IysApiException exception)
                {
                    error = exception.Message;
                    IysSyncLog.PushFailed(_logger, exception.Message);
                    break;
                }

                asked++;
                var byIndex = results.GroupBy(result => result.Index).ToDictionary(group => group.Key, group => group.Last());
                foreach (var entry in request)
                {
                    var final = Settle(entry, byIndex.GetValueOrDefault(entry.Index));
                    _ledger.Save(final);
                    if (final.State == UploadState.Accepted)
                    {
                        accepted++;
                    }
                    else if (final.State is UploadState.Refused or UploadState.Unanswered)
                    {
                        refused++;
                        refusedEntries.Add(final);
                        if (final.State == UploadState.Refused)
                        {
                            IysSyncLog.OptOutRefused(_logger, final.Id, final.Brand, final.Code ?? "-", final.Message ?? string.Empty);
                        }
                        else
                        {
                            IysSyncLog.OptOutUnanswered(_logger, final.Id, final.Brand, final.RequestId!);
                        }
                    }
                }
            }

            if (asked > askedBefore)
            {
                submitted = _ledger.Submitted();
            }

            var next = submitted.Count == 0 ? (DateTimeOffset?)null : submitted.Min(NextAsk);
            if (error is not null || next is not { } due || waitUntil is not { } until || due > until)
            {
                if (asked > 0 || submitted.Count > 0)
                {
                    IysSyncLog.PushSettled(_logger, asked, accepted, refused, submitted.Count, next);
                }

                break;
            }

            var wait = due - _clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _clock, cancellationToken);
            }
        }

        _metrics.RecordPush(accepted, refused, unreadable, submitted.Count);
        return new PushSummary(read, known, uploaded, accepted, refused, submitted.Count, unreadable, refusedEntries, error);
    }

    /// <summary>The brand a refusal goes to İYS under: its own iysCode, or — recorded without one — the connector's.</summary>
    private IysBrand BrandOf(uint iysCode, uint brand) => new(iysCode == 0 ? _options.IysCode : iysCode, brand);

    // İYS is first asked PushFirstAsk after the write (its document: no sooner than 300 s), then every PushPollInterval.
    private DateTimeOffset NextAsk(UploadEntry entry) =>
        entry.AskedAt is { } asked ? asked + _options.PushPollInterval : (entry.SubmittedAt ?? entry.UpdatedAt) + _options.PushFirstAsk;

    /// <summary>The entry once İYS's answer about it is known: final, or still submitted (not in the answer, or enqueue).</summary>
    private UploadEntry Settle(UploadEntry entry, BulkItemStatus? result)
    {
        var now = _clock.GetUtcNow();
        return result switch
        {
            { State: BulkItemState.Succeeded } => entry with { State = UploadState.Accepted, TransactionId = result.TransactionId, UpdatedAt = now },
            { State: BulkItemState.Failed, ErrorCode: IysError.SameStatus } => entry with
            {
                State = UploadState.Accepted, Code = result.ErrorCode, Message = "İYS already held a refusal for this recipient", UpdatedAt = now,
            },
            { State: BulkItemState.Failed } => entry with
            {
                State = UploadState.Refused, Code = result.ErrorCode, Message = IysError.Mask(result.ErrorMessage ?? "İYS gave no reason"), UpdatedAt = now,
            },
            _ when now - (entry.SubmittedAt ?? entry.UpdatedAt) > RequestIdsKept => entry with
            {
                State = UploadState.Unanswered, Message = "İYS gave no final answer within the 60 days it keeps request ids", UpdatedAt = now,
            },
            _ => entry with { AskedAt = now }, // not processed yet (absent from the answer, or enqueue): asked again later
        };
    }

    /// <summary>Every record from where the group last committed up to each partition's end now, and those ends.</summary>
    private (List<OptOutRecorded> Records, List<TopicPartitionOffset> Ends) ReadNew(CancellationToken cancellationToken)
    {
        using var admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
        var metadata = admin.GetMetadata(_topic.Topic, _topic.RequestTimeout).Topics.Single();
        if (metadata.Error.IsError)
        {
            throw new KafkaException(metadata.Error);
        }

        var partitions = metadata.Partitions.Select(p => new TopicPartition(_topic.Topic, p.PartitionId)).ToList();
        var committed = _consumer.Committed(partitions, _topic.RequestTimeout);
        var records = new List<OptOutRecorded>();
        var ends = new List<TopicPartitionOffset>();
        foreach (var start in committed)
        {
            long end = _consumer.QueryWatermarkOffsets(start.TopicPartition, _topic.RequestTimeout).High.Value;
            long from = start.Offset == Offset.Unset ? _consumer.QueryWatermarkOffsets(start.TopicPartition, _topic.RequestTimeout).Low.Value : start.Offset.Value;
            ends.Add(new TopicPartitionOffset(start.TopicPartition, end));
            if (from >= end)
            {
                continue;
            }

            _consumer.Assign(new TopicPartitionOffset(start.TopicPartition, from));
            for (long next = from; next < end;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = _consumer.Consume(_topic.RequestTimeout) ?? throw new KafkaException(new Error(ErrorCode.Local_TimedOut, "the opt-out topic did not deliver its records"));
                records.Add(OptOutRecorded.Parser.ParseFrom(result.Message.Value));
                next = result.Offset.Value + 1;
            }
        }

        _consumer.Unassign();
        return (records, ends);
    }

    private void Commit(List<TopicPartitionOffset> ends)
    {
        if (ends.Count > 0)
        {
            _consumer.Commit(ends);
        }
    }

    private UploadEntry Entry(OptOutRecorded record, UploadState state, string? requestId, int index) => new(
        record.OptOutId, record.BrandCode, record.Channel.ToDomain().Name(), record.RecipientType.ToDomain().Normalize().Name(),
        Convert.ToHexStringLower(record.RecipientKey.Span), record.Source, record.RefusedAt.ToDateTimeOffset(), state, requestId, index, null, null, null, _clock.GetUtcNow());
}
