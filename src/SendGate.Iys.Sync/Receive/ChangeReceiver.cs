using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using SendGate.Core.Hashing;
using SendGate.Iys.Sync.Api;
using SendGate.Kafka;

namespace SendGate.Iys.Sync.Receive;

/// <summary>The receiver's answer to one push request: the HTTP status and a short JSON-able summary (counts and a reason, never an address).</summary>
public sealed record ReceiveAnswer(int Status, string Message, int Published = 0, int DeadLettered = 0, int ForeignBrand = 0, int Test = 0);

/// <summary>
/// The receiving end of İYS's push of citizens' changes ("İzin Hareketi İletimi", registered with pushRegistration):
/// İYS posts <c>{"list":[{iysCode, brandCode, consentDate, creationDate, source, recipient, recipientType, status,
/// type, transactionId}]}</c> for every change a citizen makes in İYS (sources <c>IYS_*</c>), with basic
/// authentication. This closes PULL's withheld last hour: a citizen's refusal reaches the gates in moments.
/// <list type="bullet">
/// <item>Missing or wrong credentials: 401, nothing read (compared in constant time).</item>
/// <item>A body that is not <c>{"list":[objects]}</c>: 400 with the reason, and <b>nothing</b> of it published — the
/// body is checked whole before any item is; İYS can send it again corrected.</item>
/// <item>Each item is decoded exactly as a PULL item (same decoder: hashed on arrival, a citizen's name never read).
/// An item of a brand this connector does not work for, or one the gate cannot use (a foreign number, a bad date), is
/// dead-lettered without its address and counted; the rest are published.</item>
/// <item>İYS's documented test item of a new connection (iysCode and brandCode 121212, pushtest@iys.org.tr) is
/// acknowledged and counted, not published.</item>
/// <item>200 only once Kafka acknowledged every item of the request; otherwise 503 and İYS sends the body again (what
/// was published meanwhile applies once more, harmlessly: the newest change wins, and an equal one changes nothing).</item>
/// </list>
/// </summary>
public sealed class ChangeReceiver : IDisposable
{
    private const uint TestCode = 121212;
    private const string TestRecipient = "pushtest@iys.org.tr";
    private readonly ReceiveOptions _options;
    private readonly KafkaFeedOptions _kafka;
    private readonly BrandDirectory _brands;
    private readonly HashingKey _key;
    private readonly ILogger _logger;
    private readonly IysSyncMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly byte[] _credentials;
    private readonly Lock _publisherLock = new();
    private (ConsentPublisher Publisher, IysItemPublisher Items)? _publisher;
    private long _sequence;
    private long _lastRefusalLog = long.MinValue;

    public ChangeReceiver(IysSyncOptions options, KafkaFeedOptions kafka, HashingKey key, BrandDirectory brands, TimeProvider clock, ILogger logger, IysSyncMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(key);
        _options = options.Receive;
        _kafka = kafka;
        _brands = brands;
        _key = key;
        _clock = clock;
        _logger = logger;
        _metrics = metrics;
        _credentials = SHA256.HashData(Encoding.UTF8.GetBytes($"{_options.Username}:{_options.Password}"));
    }

    /// <summary>Handles one request: <paramref name="authorization"/> is its Authorization header, <paramref name="body"/> its bytes.</summary>
    public async Task<ReceiveAnswer> ReceiveAsync(string? authorization, byte[] body, string? remote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        long started = _clock.GetTimestamp();
        var answer = await AnswerAsync(authorization, body, remote, cancellationToken);
        _metrics.RecordReceiveRequest(answer.Status, _clock.GetElapsedTime(started));
        return answer;
    }

    public void Dispose()
    {
        lock (_publisherLock)
        {
            _publisher?.Publisher.Dispose();
            _publisher = null;
        }
    }

    private async Task<ReceiveAnswer> AnswerAsync(string? authorization, byte[] body, string? remote, CancellationToken cancellationToken)
    {
        if (!Authorized(authorization))
        {
            Refused("missing or wrong basic credentials", remote);
            return new ReceiveAnswer(401, "basic authentication required");
        }

        ChangesPage page;
        try
        {
            page = ChangesPage.ParsePush(body);
        }
        catch (IysUnexpectedAnswerException malformed)
        {
            Refused(malformed.Message, remote);
            return new ReceiveAnswer(400, malformed.Message + "; nothing of it was published");
        }

        IysItemPublisher items;
        try
        {
            items = Items();
        }
        catch (Exception exception) when (exception is TopicSetupException or Confluent.Kafka.KafkaException)
        {
            IysSyncLog.ReceiveUnacknowledged(_logger, exception.Message);
            return new ReceiveAnswer(503, "the consent topic cannot be written now");
        }

        var tally = new DeliveryTally();
        int published = 0, deadLettered = 0, foreign = 0, test = 0;
        for (int i = 0; i < page.Count; i++)
        {
            var item = page.Item(i);
            var (iysCode, brandCode, recipientIsTest) = Identify(item);
            if (iysCode == TestCode && brandCode == TestCode && recipientIsTest)
            {
                test++;
                IysSyncLog.ReceivedTestItem(_logger);
                continue;
            }

            string origin = string.Create(CultureInfo.InvariantCulture, $"iys-push/{brandCode}");
            long sequence = Interlocked.Increment(ref _sequence);
            string? rejection;
            if (_brands.Find(iysCode, brandCode) is not { } brand)
            {
                rejection = string.Create(CultureInfo.InvariantCulture, $"brand {brandCode} of iysCode {iysCode} is not one this connector works for");
                items.DeadLetter(item, rejection, origin, sequence, tally);
                foreign++;
            }
            else
            {
                rejection = items.Publish(item, brand, origin, sequence, tally).Rejection;
                (published, deadLettered) = rejection is null ? (published + 1, deadLettered) : (published, deadLettered + 1);
            }

            if (rejection is not null)
            {
                IysSyncLog.ReceiveDeadLettered(_logger, i, brandCode, _kafka.DeadLetterTopic, rejection);
            }
        }

        await tally.CompleteAsync(cancellationToken);
        if (tally.Failed > 0)
        {
            IysSyncLog.ReceiveUnacknowledged(_logger, tally.FirstFailure ?? "unknown");
            return new ReceiveAnswer(503, "Kafka did not acknowledge every item; send them again");
        }

        _metrics.RecordReceived("published", published);
        _metrics.RecordReceived("dead_lettered", deadLettered);
        _metrics.RecordReceived("foreign_brand", foreign);
        _metrics.RecordReceived("test", test);
        IysSyncLog.Received(_logger, page.Count, published, deadLettered, foreign);
        return new ReceiveAnswer(200, "received", published, deadLettered, foreign, test);
    }

    // Its own producer, made on first use and made again after a failure: a topic problem (missing, wrong shape) fails
    // this receiver's requests with 503 until it is fixed, not the connector, and not for good.
    private IysItemPublisher Items()
    {
        lock (_publisherLock)
        {
            if (_publisher is not { } made)
            {
                var publisher = ConsentPublisher.Create(_kafka, _logger, _key.KeyId);
                made = (publisher, new IysItemPublisher(_key, _clock, publisher, _kafka.DeadLetterTopic));
                _publisher = made;
            }

            return made.Items;
        }
    }

    // "Basic base64(user:password)" compared with the configured pair by their hashes: constant time, whatever the lengths.
    private bool Authorized(string? authorization)
    {
        const string Scheme = "Basic ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[512];
        if (!Convert.TryFromBase64String(authorization[Scheme.Length..].Trim(), decoded, out int length))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(decoded[..length]), _credentials);
    }

    // iysCode, brandCode and whether the recipient is İYS's test address, read without decoding the rest.
    private static (uint IysCode, uint BrandCode, bool TestRecipient) Identify(ReadOnlySpan<byte> item)
    {
        var fields = ItemFields.Read(item, "iysCode", "brandCode", "recipient");
        static uint Code(OrderedDictionary<string, string>? fields, string name) =>
            uint.TryParse(fields?.GetValueOrDefault(name), NumberStyles.None, CultureInfo.InvariantCulture, out uint code) ? code : 0;
        return (Code(fields, "iysCode"), Code(fields, "brandCode"), fields?.GetValueOrDefault("recipient") == TestRecipient);
    }

    // A wrong password or a scanner must not fill the log: one line a minute at most (every refusal is counted).
    private void Refused(string reason, string? remote)
    {
        long now = _clock.GetTimestamp();
        long last = Interlocked.Read(ref _lastRefusalLog);
        if ((last == long.MinValue || _clock.GetElapsedTime(last, now) >= TimeSpan.FromMinutes(1)) && Interlocked.CompareExchange(ref _lastRefusalLog, now, last) == last)
        {
            IysSyncLog.ReceiveRefused(_logger, reason, remote);
        }
    }
}
