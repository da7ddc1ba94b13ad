using Microsoft.Extensions.Logging;

namespace SendGate.Iys.Sync;

/// <summary>The connector's log events (7001–7099). Never a recipient, a citizen's name or the password: brands, sources, counts, İYS's codes.</summary>
internal static partial class IysSyncLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "İYS token {How} (valid {Seconds:F0} s)")]
    public static partial void TokenIssued(ILogger logger, string how, double seconds);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "İYS refused the refresh token ({Reason}); logging in again")]
    public static partial void RefreshRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "{Reason}; attempt {Attempt} in {Seconds:F1} s")]
    public static partial void Retrying(ILogger logger, string reason, int attempt, double seconds);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Brand {Brand} source {Source}: page of {Items} items, {Published} published, {DeadLettered} dead-lettered; cursor advanced")]
    public static partial void PageDone(ILogger logger, uint brand, string source, int items, int published, int deadLettered);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Brand {Brand} source {Source}: caught up ({Pages} pages, {Published} events this round; newest change {Newest:O})")]
    public static partial void CaughtUp(ILogger logger, uint brand, string source, int pages, long published, DateTimeOffset? newest);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Error, Message = "Brand {Brand} source {Source} stopped: {Reason}. The other brands go on; fix the cause and restart the connector")]
    public static partial void StreamStopped(ILogger logger, uint brand, string source, string reason);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "Brand {Brand} source {Source}: this round failed ({Reason}); the cursor stays where Kafka last acknowledged, the next round retries")]
    public static partial void RoundFailed(ILogger logger, uint brand, string source, string reason);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Warning, Message = "Brand {Brand} source {Source}: PULL item {Item} dead-lettered to {Topic}: {Reason}")]
    public static partial void DeadLettered(ILogger logger, uint brand, string source, int item, string topic, string reason);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Warning, Message = "Brand {Brand} source {Source}: last caught up {Days:F1} days ago — PULL keeps 7 days; past that, changes are lost to PULL and the daily change file (reconcile with İYS)")]
    public static partial void CursorOld(ILogger logger, uint brand, string source, double days);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Error, Message = "Brand {Brand} source {Source}: last caught up {Days:F1} days ago, beyond PULL's 7 days: changes in the gap cannot be recovered through PULL; pulling what İYS still keeps — reconcile this brand with İYS")]
    public static partial void CursorExpired(ILogger logger, uint brand, string source, double days);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Warning, Message = "Cursor for brand {Brand} source {Source} unreadable ({Problem}): starting again from the oldest change İYS keeps (repeats are harmless)")]
    public static partial void CursorUnreadable(ILogger logger, uint brand, string source, string problem);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Information, Message = "İYS sync for iysCode {IysCode}: brands {Brands}, sources {Sources}, to {Topic} on {Bootstrap}; cursors in {CursorPath}; every {Interval}")]
    public static partial void Starting(ILogger logger, uint iysCode, string brands, string sources, string topic, string? bootstrap, string cursorPath, TimeSpan interval);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Debug, Message = "Round done: {Published} events in {Pages} pages; next round in {Wait}")]
    public static partial void RoundDone(ILogger logger, long published, int pages, TimeSpan wait);

    [LoggerMessage(EventId = 7020, Level = LogLevel.Information, Message = "Uploaded {Count} refusals of brand {Brand} to İYS (request {RequestId})")]
    public static partial void OptOutsSubmitted(ILogger logger, int count, uint brand, string requestId);

    [LoggerMessage(EventId = 7021, Level = LogLevel.Warning, Message = "İYS refused refusal {Id} of brand {Brand}: {Code} {Message} (recorded; not uploaded again)")]
    public static partial void OptOutRefused(ILogger logger, string id, uint brand, string code, string message);

    [LoggerMessage(EventId = 7022, Level = LogLevel.Error, Message = "Refusal {Id} of brand {Brand} cannot be opened with OptOut:SealingKey: it cannot be uploaded (recorded)")]
    public static partial void OptOutUnreadable(ILogger logger, string id, uint brand);

    [LoggerMessage(EventId = 7023, Level = LogLevel.Warning, Message = "Push round failed ({Reason}); what was not settled is retried next round, nothing is uploaded twice")]
    public static partial void PushFailed(ILogger logger, string reason);
}
