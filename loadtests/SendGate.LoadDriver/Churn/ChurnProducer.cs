using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Kafka;
using SendGate.Synthetic;

namespace SendGate.LoadDriver.Churn;

/// <summary>
/// The churn scenario's other half: consent changes published to the gate's Kafka topic at a
/// fixed rate while checks run — status flips (ONAY ↔ RET, each newer than the last) for
/// recipients of the checked population and brand, hashed with the gate's key like every
/// publisher's. What was delivered and failed is reported with the run.
/// </summary>
internal sealed class ChurnProducer : IAsyncDisposable
{
    private readonly ConsentPublisher _publisher;
    private readonly FeedEventFactory _factory;
    private readonly CancellationTokenSource _stop = new(); // not disposed: DisposeAsync reads it to be idempotent
    private readonly Task _loop;
    private long _published;

    public ChurnProducer(KafkaFeedOptions kafka, HashingKey gateKey, double rate, uint iysCode, uint brandCode, long population)
    {
        _publisher = new ConsentPublisher(KafkaClients.Producer(kafka, NullLogger.Instance), kafka.Topic, gateKey.KeyId);
        _factory = new FeedEventFactory(new RecipientHasher(gateKey), TimeProvider.System);
        _loop = Task.Run(() => Publish(rate, iysCode, brandCode, population));
    }

    public long Published => Interlocked.Read(ref _published);

    public long Delivered => _publisher.Delivered;

    public long Failed => _publisher.Failed;

    public string? FirstFailure => _publisher.FirstFailure;

    /// <summary>Stops publishing and waits for every acknowledgement; the counts are final afterwards. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _publisher.Flush(CancellationToken.None);
        _publisher.Dispose();
    }

    private async Task Publish(double rate, uint iysCode, uint brandCode, long population)
    {
        var random = new Random(11);
        long start = Stopwatch.GetTimestamp();
        long sent = 0;
        while (!_stop.IsCancellationRequested)
        {
            long due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate);
            var now = ConsentTime.FromDateTimeOffset(DateTimeOffset.UtcNow);
            for (; sent < due; sent++)
            {
                var input = new ConsentChangeInput
                {
                    IysCode = iysCode,
                    BrandCode = brandCode,
                    Channel = Channel.Mesaj,
                    RecipientType = RecipientType.Bireysel,
                    Status = random.Next(2) == 0 ? ConsentStatus.Onay : ConsentStatus.Ret,
                    ConsentDate = now,
                    ModifiedAt = now,
                    Recipient = RecipientInput.FromAddress("+90" + SyntheticRecipients.National(random.NextInt64(population))),
                };
                if (_factory.TryCreate(input, out var change) != FeedEventError.None)
                {
                    throw new InvalidOperationException("The churn generator made an invalid change.");
                }

                _publisher.Publish(change!);
                Interlocked.Increment(ref _published);
            }

            try
            {
                await Task.Delay(1, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
