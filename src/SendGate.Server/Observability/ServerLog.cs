
namespace SendGate.Server.Observability;

/// <summary>
/// The gate's log events, every one of this assembly's in one place (operators page on event ids: an id is defined once;
/// <c>LogEventIdTests</c> fails on a second). 21xx: the sender's refusals; 30xx: the host and access control. None
/// carries a recipient or the hashing key.
/// </summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "SendGate is ready: serving checks")]
    public static partial void Ready(ILogger logger);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Critical, Message = "The consent feed could not start ({Reason}); stopping")]
    public static partial void FeedFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "*** DEVELOPMENT HASHING KEY IN USE (key id {KeyId}) *** It is published in this repository: recipient keys made with it protect nothing. Set Hashing:Key (16 random bytes, base64) for any real data.")]
    public static partial void DevelopmentKey(ILogger logger, string keyId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Hashing key id {KeyId}; index sized for {Tuples} tuples ({Megabytes} MiB)")]
    public static partial void Started(ILogger logger, string keyId, long tuples, long megabytes);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "*** ACCESS CONTROL IS OFF ({Why}) *** Anyone who can reach the gRPC port may check any brand. Configure Access:Clients (docs/operations.md) before serving beyond this machine.")]
    public static partial void AccessOff(ILogger logger, string why);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Access control on ({Why}): {Clients} clients")]
    public static partial void AccessOn(ILogger logger, string why, int clients);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Consent records {Where}: {Consequence}")]
    public static partial void Records(ILogger logger, string where, string consequence);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "This machine reports no CPU cache sizes, so .NET gives its young generation the smallest budget: feed catch-up runs at a fraction of its rate. Start the gate with {Variable}=0x4000000 (64 MiB; deploy/ does)")]
    public static partial void NoCacheSizes(ILogger logger, string variable);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "No decision log (set DecisionLog:Directory or DecisionLog:Topic): answers leave no record of what was checked")]
    public static partial void NoDecisionLog(ILogger logger);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Access:Clients changed while access control is off: restart the gate to turn it on")]
    public static partial void AccessReloadIgnored(ILogger logger);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Access configuration reloaded: {Clients} clients")]
    public static partial void AccessReloaded(ILogger logger, int clients);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Access configuration change refused, the previous clients stay: {Problems}")]
    public static partial void AccessReloadRefused(ILogger logger, string problems);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Refusal {Id} recorded for brand {Brand} {Channel} {Type} (source {Source}): published to the consent topic, queued for İYS")]
    public static partial void OptOutRecorded(ILogger logger, uint brand, Core.Domain.Channel channel, Core.Domain.RecipientType type, string id, string source);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Refusal {Id} for brand {Brand} {Channel} not recorded: Kafka answered {Reason}")]
    public static partial void OptOutNotRecorded(ILogger logger, uint brand, Core.Domain.Channel channel, string id, string reason);
}
