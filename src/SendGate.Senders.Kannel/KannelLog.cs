using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace SendGate.Senders.Kannel;

/// <summary>Log events of the Kannel front (8201–8219). Never a phone number or a message text.</summary>
internal static partial class KannelLog
{
    [LoggerMessage(8201, LogLevel.Information, "Kannel front on {Listen} (sendsms, mo) for users {Users}; forwarding to {Smsbox}")]
    public static partial void Starting(ILogger logger, string listen, string users, string smsbox);

    [LoggerMessage(8202, LogLevel.Information, "sendsms from {User}: {Allowed} of {Total} recipients forwarded; filtered {Filtered}; smsbox answered {Status}")]
    public static partial void Forwarded(ILogger logger, string user, int allowed, int total, string filtered, int status);

    [LoggerMessage(8203, LogLevel.Information, "sendsms from {User}: none of {Total} recipients allowed ({Filtered}); nothing forwarded")]
    public static partial void AllDenied(ILogger logger, string user, int total, string filtered);

    [LoggerMessage(8204, LogLevel.Warning, "sendsms refused: unknown user or wrong password for '{User}'")]
    public static partial void Unauthorized(ILogger logger, string user);

    [LoggerMessage(8205, LogLevel.Warning, "sendsms from {User} not forwarded: {Problem}")]
    public static partial void NotForwarded(ILogger logger, string user, string problem);

    [LoggerMessage(8206, LogLevel.Information, "A refusal to {User}'s number was recorded for brand {Brand} (opt-out {OptOutId})")]
    public static partial void RefusalRecorded(ILogger logger, string user, uint brand, string optOutId);

    [LoggerMessage(8207, LogLevel.Warning, "A refusal for brand {Brand} was not recorded yet ({Status}: {Detail}); retrying in {Delay}")]
    public static partial void RefusalDeferred(ILogger logger, uint brand, StatusCode status, string detail, TimeSpan delay);

    [LoggerMessage(8208, LogLevel.Error, "A refusal for brand {Brand} cannot be recorded: {Status}: {Detail}")]
    public static partial void RefusalRejected(ILogger logger, uint brand, StatusCode status, string detail);

    [LoggerMessage(8209, LogLevel.Information, "A reply to number {Number} belongs to no configured user: ignored")]
    public static partial void UnknownNumber(ILogger logger, string number);

    [LoggerMessage(8210, LogLevel.Error, "Stopping with {Count} refusals the gate has not recorded: they are lost (Kannel does not resend a reply)")]
    public static partial void RefusalsLost(ILogger logger, int count);
}
