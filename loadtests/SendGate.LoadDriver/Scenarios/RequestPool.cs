using Google.Protobuf;
using SendGate.Contracts.V1;
using SendGate.Core.Hashing;
using SendGate.Synthetic;

namespace SendGate.LoadDriver.Scenarios;

/// <summary>
/// Distinct requests of a scenario, encoded once before the run so the driver spends its CPU on
/// calls, not on building messages. Recipients are drawn uniformly from the first
/// <c>population</c> recipients of <c>sendgate generate</c>'s numbering, so against a gate
/// loaded with generated data a realistic share of them hold consent.
/// </summary>
internal sealed class RequestPool
{
    private RequestPool(Scenario scenario, byte[][] requests, int recipients)
    {
        Scenario = scenario;
        Requests = requests;
        RecipientsPerRequest = recipients;
    }

    public Scenario Scenario { get; }

    /// <summary>Each an encoded sendgate.v1.CheckRequest.</summary>
    public IReadOnlyList<byte[]> Requests { get; }

    public int RecipientsPerRequest { get; }

    /// <summary>
    /// With <paramref name="gateKey"/> null, pre-hashed keys are made with a random key and sent
    /// without a key id: the gate looks them up (the load is the same) but finds none of them.
    /// </summary>
    public static RequestPool Build(Scenario scenario, RequestShape shape, HashingKey? gateKey, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(shape);
        var hasher = new RecipientHasher(gateKey ?? HashingKey.FromBytes(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        var random = new Random(seed);
        int batch = shape.Batch ?? scenario.Batch;
        var requests = new byte[count][];
        for (int r = 0; r < count; r++)
        {
            var request = new CheckRequest
            {
                RequestId = $"load-{seed}-{r}",
                IysCode = shape.IysCode,
                BrandCode = shape.BrandCode,
                Channel = scenario.Channel,
                RecipientType = RecipientType.Bireysel,
                Kind = MessageKind.Commercial,
            };
            for (int i = 0; i < batch; i++)
            {
                long who = random.NextInt64(shape.Population);
                switch (scenario.Form)
                {
                    case RecipientForm.WrittenPhone:
                        request.Recipients.Add(SyntheticRecipients.WrittenPhone(who, random));
                        break;
                    case RecipientForm.Email:
                        request.Recipients.Add(SyntheticRecipients.Email(who, random));
                        break;
                    default:
                        var error = hasher.TryHash("+90" + SyntheticRecipients.National(who), Core.Domain.Channel.Mesaj, out var key);
                        request.RecipientKeys.Add(error == Core.Recipients.RecipientError.None ? ByteString.CopyFrom(key.ToArray()) : throw new InvalidOperationException($"synthetic number {who} does not normalize: {error}"));
                        break;
                }
            }

            if (scenario.Form == RecipientForm.PreHashedPhone && gateKey is not null)
            {
                request.KeyId = hasher.KeyId;
            }

            requests[r] = request.ToByteArray();
        }

        return new RequestPool(scenario, requests, batch);
    }
}

/// <summary>Who is asked about, for whom: brand and provider codes, recipients per request, the population recipients are drawn from.</summary>
internal sealed record RequestShape(uint IysCode, uint BrandCode, int? Batch, long Population);
