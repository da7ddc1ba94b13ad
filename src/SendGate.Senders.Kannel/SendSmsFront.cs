using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Reason = SendGate.Core.Domain.Reason;
using SendGate.Core.Domain;

namespace SendGate.Senders.Kannel;

/// <summary>
/// Kannel's <c>/cgi-bin/sendsms</c>, in front of smsbox: the user's recipients (<c>to</c>, several separated by
/// spaces) are checked with the gate for the user's brand, and only the allowed ones are forwarded to smsbox with
/// every other parameter as received. The answer is smsbox's, plus a line saying how many were filtered and why;
/// when none may receive the message, smsbox's own answer for numbers denied by its lists (403). When the gate cannot
/// answer for every recipient, nothing is forwarded and the caller is told to try again (503): a partial send retried
/// would reach the allowed recipients twice.
/// </summary>
public sealed class SendSmsFront
{
    private readonly CheckBatcher _batcher;
    private readonly KannelFrontOptions _options;
    private readonly HttpClient _smsbox;
    private readonly KannelMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Dictionary<string, SenderProfile> _profiles;

    public SendSmsFront(CheckBatcher batcher, KannelFrontOptions options, HttpClient smsbox, KannelMetrics metrics, ILogger<SendSmsFront> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _batcher = batcher;
        _options = options;
        _smsbox = smsbox;
        _metrics = metrics;
        _logger = logger;
        _profiles = options.Users.ToDictionary(user => user.Key, user => user.Value.Profile(Contracts.V1.Channel.Mesaj), StringComparer.Ordinal);
    }

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parameters = await Parameters(request, cancellationToken).ConfigureAwait(false);
        string username = First(parameters, "username", "user");
        if (!Authorized(username, First(parameters, "password", "pass")))
        {
            _metrics.SendSms("unauthorized");
            KannelLog.Unauthorized(_logger, username);
            return Answer(StatusCodes.Status403Forbidden, "Authorization failed for sendsms");
        }

        var recipients = First(parameters, "to").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (recipients.Length == 0)
        {
            _metrics.SendSms("bad_request");
            return Answer(StatusCodes.Status400BadRequest, "Missing receiver number, rejected");
        }

        var verdicts = await _batcher.DecideAsync(_profiles[username], recipients, cancellationToken).ConfigureAwait(false);
        if (verdicts.FirstOrDefault(verdict => verdict.IsTemporary) is { IsTemporary: true } unanswered)
        {
            _metrics.SendSms("gate_unavailable");
            string why = unanswered.Failure is { } status ? $"the consent gate did not answer ({status})" : ReasonText.Of(unanswered.Reason);
            KannelLog.NotForwarded(_logger, username, why);
            return Answer(StatusCodes.Status503ServiceUnavailable, $"Temporarily failed: {why}; nothing was sent, try again later");
        }

        var allowed = new List<string>(recipients.Length);
        var filtered = new SortedDictionary<Reason, int>();
        for (int i = 0; i < recipients.Length; i++)
        {
            _metrics.Recipient(verdicts[i].Reason.Name());
            if (verdicts[i].IsAllowed)
            {
                allowed.Add(recipients[i]);
            }
            else
            {
                filtered[verdicts[i].Reason] = filtered.GetValueOrDefault(verdicts[i].Reason) + 1;
            }
        }

        string counts = string.Join(", ", filtered.Select(reason => $"{reason.Key.Name()} {reason.Value}"));
        if (allowed.Count == 0)
        {
            _metrics.SendSms("all_denied");
            KannelLog.AllDenied(_logger, username, recipients.Length, counts);
            return Answer(StatusCodes.Status403Forbidden, $"Number(s) has/have been denied by the consent gate: {counts}", allowed.Count, counts);
        }

        return await ForwardAsync(username, parameters, allowed, recipients.Length, counts, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IResult> ForwardAsync(string username, Dictionary<string, StringValues> parameters, List<string> allowed, int total, string counts, CancellationToken cancellationToken)
    {
        var query = new StringBuilder();
        foreach (var (name, values) in parameters)
        {
            foreach (string? value in name == "to" ? [string.Join(' ', allowed)] : values.ToArray())
            {
                query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value ?? string.Empty));
            }
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.SmsboxTimeout);
            using var response = await _smsbox.GetAsync(new Uri(_options.SmsboxUrl + query), timeout.Token).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            _metrics.SendSms("forwarded");
            KannelLog.Forwarded(_logger, username, allowed.Count, total, counts.Length == 0 ? "none" : counts, (int)response.StatusCode);
            string note = counts.Length == 0 ? string.Empty : $"\nSendGate: {total - allowed.Count} of {total} recipients filtered: {counts}";
            return Answer((int)response.StatusCode, body.TrimEnd('\n') + note, allowed.Count, counts);
        }
        catch (Exception error) when (error is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _metrics.SendSms("smsbox_unavailable");
            KannelLog.NotForwarded(_logger, username, "smsbox did not answer: " + error.Message);
            return Answer(StatusCodes.Status503ServiceUnavailable, "Temporarily failed: smsbox did not answer; nothing was sent, try again later");
        }
    }

    private bool Authorized(string username, string password)
    {
        if (!_options.Users.TryGetValue(username, out var user) || string.IsNullOrEmpty(user.Password))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(user.Password));
    }

    private static KannelAnswer Answer(int status, string body, int? allowed = null, string? filtered = null) => new KannelAnswer(status, body, allowed, filtered);

    /// <summary>The query string's parameters, and a form's when the request is a form POST.</summary>
    private static async Task<Dictionary<string, StringValues>> Parameters(HttpRequest request, CancellationToken cancellationToken)
    {
        var parameters = request.Query.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            foreach (var (name, values) in await request.ReadFormAsync(cancellationToken).ConfigureAwait(false))
            {
                parameters[name] = values;
            }
        }

        return parameters;
    }

    private static string First(Dictionary<string, StringValues> parameters, params string[] names) =>
        names.Select(name => parameters.GetValueOrDefault(name).ToString()).FirstOrDefault(value => value.Length > 0) ?? string.Empty;

    /// <summary>Kannel's style: a status and one line of text (here, maybe a second with SendGate's counts), and the counts as headers for programs.</summary>
    private sealed class KannelAnswer(int status, string body, int? allowed, string? filtered) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "text/plain; charset=utf-8";
            if (allowed is { } count)
            {
                response.Headers["X-SendGate-Allowed"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                response.Headers["X-SendGate-Filtered"] = filtered ?? string.Empty;
            }

            await response.WriteAsync(body + "\n", httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
