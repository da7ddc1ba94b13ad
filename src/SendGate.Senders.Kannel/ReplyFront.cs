using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SendGate.Contracts.V1;

namespace SendGate.Senders.Kannel;

/// <summary>
/// smsbox's get-url for replies (<c>/mo?from=%p&amp;to=%P&amp;text=%a</c>): a reply to one of a user's numbers whose
/// first word is an opt-out keyword is that recipient's refusal for the user's brand on MESAJ, recorded with the gate
/// at once (denied by every gate within moments, queued for İYS). The answer body is what smsbox sends back to the
/// recipient: Kannel:OptOut:Reply for a refusal, nothing otherwise (configure the sms-service with omit-empty).
/// </summary>
public sealed class ReplyFront
{
    private readonly Dictionary<string, (string Name, KannelUser User)> _byNumber;
    private readonly OptOutKeywords _keywords;
    private readonly KannelFrontOptions _options;
    private readonly RefusalRecorder _recorder;
    private readonly KannelMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public ReplyFront(KannelFrontOptions options, RefusalRecorder recorder, KannelMetrics metrics, ILogger<ReplyFront> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _recorder = recorder;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _keywords = new OptOutKeywords(options.OptOut.EffectiveKeywords);
        _byNumber = options.Users
            .SelectMany(user => (user.Value.Numbers ?? []).Select(number => (Number: KannelUser.NumberKey(number), user.Key, user.Value)))
            .ToDictionary(entry => entry.Number, entry => (entry.Key, entry.Value), StringComparer.Ordinal);
    }

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string number = request.Query["to"].ToString();
        if (!_byNumber.TryGetValue(KannelUser.NumberKey(number), out var owner))
        {
            _metrics.Reply("unknown_number");
            KannelLog.UnknownNumber(_logger, number);
            return Results.Text(string.Empty);
        }

        if (!_keywords.IsRefusal(request.Query["text"]))
        {
            _metrics.Reply("not_a_refusal");
            return Results.Text(string.Empty);
        }

        var refusal = new RecordOptOutRequest
        {
            IysCode = owner.User.IysCode,
            BrandCode = owner.User.BrandCode,
            Channel = Channel.Mesaj,
            RecipientType = owner.User.Profile(Channel.Mesaj).RecipientType,
            Recipient = request.Query["from"].ToString(),
            Source = _options.OptOut.Source,
            RefusedAt = Timestamp.FromDateTimeOffset(_time.GetUtcNow()),
        };
        var outcome = await _recorder.RecordAsync(refusal, owner.Name, cancellationToken).ConfigureAwait(false);
        _metrics.Reply(outcome switch
        {
            RefusalRecorder.Outcome.Recorded => "refusal",
            RefusalRecorder.Outcome.Queued => "queued",
            _ => "invalid",
        });
        return Results.Text(outcome == RefusalRecorder.Outcome.Invalid ? string.Empty : _options.OptOut.Reply);
    }
}
