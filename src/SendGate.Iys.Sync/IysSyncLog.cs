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

    [LoggerMessage(EventId = 7024, Level = LogLevel.Information, Message = "Push round: {Count} bulk writes asked about; {Accepted} refusals accepted, {Refused} refused, {Waiting} wait for İYS (next asked from {NextAsk:O})")]
    public static partial void PushSettled(ILogger logger, int count, int accepted, int refused, int waiting, DateTimeOffset? nextAsk);

    [LoggerMessage(EventId = 7025, Level = LogLevel.Error, Message = "Refusal {Id} of brand {Brand}: İYS never answered about bulk request {RequestId} within the 60 days it keeps request ids; its outcome is unknown — its ledger entry holds the recipient's key, never its address, to look it up by")]
    public static partial void OptOutUnanswered(ILogger logger, string id, uint brand, string requestId);

    [LoggerMessage(EventId = 7030, Level = LogLevel.Information, Message = "Integrator {IntegratorCode}: İYS lists {Listed} authorized brands; pulling {Readable}: {Brands} (no right to read: {Unreadable})")]
    public static partial void BrandsListed(ILogger logger, uint integratorCode, int listed, int readable, string brands, string unreadable);

    [LoggerMessage(EventId = 7031, Level = LogLevel.Warning, Message = "Integrator {IntegratorCode}: listing the authorized brands failed ({Reason}); going on with the last list")]
    public static partial void BrandListingFailed(ILogger logger, uint integratorCode, string reason);

    [LoggerMessage(EventId = 7032, Level = LogLevel.Error, Message = "The {Loop} loop's round failed ({Reason}); it goes on, the next round retries")]
    public static partial void LoopFailed(ILogger logger, string loop, string reason);

    [LoggerMessage(EventId = 7040, Level = LogLevel.Information, Message = "Receiving İYS's push of citizens' changes on {Url}{Path} (basic authentication as {Username})")]
    public static partial void Receiving(ILogger logger, string url, string path, string username);

    [LoggerMessage(EventId = 7041, Level = LogLevel.Warning, Message = "İYS push refused: {Reason} (from {Remote})")]
    public static partial void ReceiveRefused(ILogger logger, string reason, string? remote);

    [LoggerMessage(EventId = 7042, Level = LogLevel.Information, Message = "İYS push: {Items} items, {Published} published, {DeadLettered} dead-lettered, {Foreign} of brands not ours")]
    public static partial void Received(ILogger logger, int items, int published, int deadLettered, int foreign);

    [LoggerMessage(EventId = 7043, Level = LogLevel.Information, Message = "İYS's test item of a new push connection arrived: the connection works")]
    public static partial void ReceivedTestItem(ILogger logger);

    [LoggerMessage(EventId = 7044, Level = LogLevel.Warning, Message = "İYS push: Kafka did not acknowledge every item ({Reason}); answered 503 so that İYS sends them again")]
    public static partial void ReceiveUnacknowledged(ILogger logger, string reason);

    [LoggerMessage(EventId = 7045, Level = LogLevel.Warning, Message = "İYS push: item {Item} of brand {Brand} dead-lettered to {Topic}: {Reason}")]
    public static partial void ReceiveDeadLettered(ILogger logger, int item, uint brand, string topic, string reason);
}
