using Microsoft.Extensions.Logging;

namespace SendGate.Senders.Postfix;

/// <summary>Log events of the Postfix policy service (8101–8119). Never a recipient: only the sender's name and the answer.</summary>
internal static partial class PostfixLog
{
    [LoggerMessage(8101, LogLevel.Information, "Postfix policy service on {Listen} for senders {Senders}; unknown senders: {UnknownSender}")]
    public static partial void Starting(ILogger logger, string listen, string senders, string unknownSender);

    [LoggerMessage(8102, LogLevel.Debug, "Sender {Sender}: {Action}")]
    public static partial void Answered(ILogger logger, string sender, string action);

    [LoggerMessage(8103, LogLevel.Information, "A request named no configured sender (sasl_username '{SaslUsername}', policy_context '{PolicyContext}'): {Action}")]
    public static partial void UnknownSender(ILogger logger, string saslUsername, string policyContext, string action);

    [LoggerMessage(8104, LogLevel.Warning, "Closed a connection from {Remote}: {Problem}")]
    public static partial void ProtocolError(ILogger logger, string? remote, string problem);
}
