using System.Diagnostics.Metrics;

namespace SendGate.Senders.Kannel;

/// <summary>
/// Meter <c>SendGate.Kannel</c>: sendsms requests by outcome, recipients by the gate's reason (what was filtered and
/// why), replies (MO) by outcome, and refusals waiting to be recorded.
/// </summary>
public sealed class KannelMetrics : IDisposable
{
    public const string MeterName = "SendGate.Kannel";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _sendsms;
    private readonly Counter<long> _recipients;
    private readonly Counter<long> _replies;
    private long _pending;

    public KannelMetrics()
    {
        _sendsms = _meter.CreateCounter<long>("sendgate.kannel.sendsms", "{request}", "sendsms requests by outcome (forwarded, all_denied, unauthorized, bad_request, gate_unavailable, smsbox_unavailable)");
        _recipients = _meter.CreateCounter<long>("sendgate.kannel.recipients", "{recipient}", "sendsms recipients by the gate's reason (allowed ones forwarded, the others filtered)");
        _replies = _meter.CreateCounter<long>("sendgate.kannel.replies", "{message}", "Mobile-originated messages by outcome (refusal, not_a_refusal, unknown_number, invalid, queued)");
        _meter.CreateObservableGauge("sendgate.kannel.refusals.pending", () => Interlocked.Read(ref _pending), "{refusal}", "Refusals the gate has not yet recorded (retried until it does)");
    }

    public void SendSms(string outcome) => _sendsms.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Recipient(string reason) => _recipients.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Reply(string outcome) => _replies.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Pending(int change) => Interlocked.Add(ref _pending, change);

    public void Dispose() => _meter.Dispose();
}
