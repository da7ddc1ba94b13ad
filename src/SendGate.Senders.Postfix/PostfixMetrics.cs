using System.Diagnostics.Metrics;

namespace SendGate.Senders.Postfix;

/// <summary>
/// Meter <c>SendGate.Postfix</c>: answers by action and reason (sendgate_postfix_answers_total), requests from senders
/// not configured (sendgate_postfix_unknown_senders_total), connections from Postfix, protocol errors.
/// </summary>
public sealed class PostfixMetrics : IDisposable
{
    public const string MeterName = "SendGate.Postfix";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _answers;
    private readonly Counter<long> _unknown;
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _protocolErrors;

    public PostfixMetrics()
    {
        _answers = _meter.CreateCounter<long>("sendgate.postfix.answers", "{answer}", "Policy answers by action (dunno, reject, defer, configured) and reason");
        _unknown = _meter.CreateCounter<long>("sendgate.postfix.unknown_senders", "{request}", "Requests whose sasl_username and policy_context name no configured sender");
        _connections = _meter.CreateUpDownCounter<long>("sendgate.postfix.connections", "{connection}", "Open connections from Postfix's smtpd processes");
        _protocolErrors = _meter.CreateCounter<long>("sendgate.postfix.protocol_errors", "{connection}", "Connections closed for a malformed or oversized request");
    }

    public void Answered(string action, string reason) => _answers.Add(1, new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("reason", reason));

    public void UnknownSender() => _unknown.Add(1);

    public void Connected() => _connections.Add(1);

    public void Disconnected() => _connections.Add(-1);

    public void ProtocolError() => _protocolErrors.Add(1);

    public void Dispose() => _meter.Dispose();
}
