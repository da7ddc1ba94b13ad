using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Core.Policy;
using SendGate.Core.Recipients;
using SendGate.Grpc;
using SendGate.Index;
using SendGate.Server.Observability;

namespace SendGate.Server.Gate;

/// <summary>
/// The serving path of Check, transport-agnostic: request view in, response buffer out. Per
/// chunk of recipients: normalize and hash straight from the request's UTF-8 bytes (or take the
/// 16-byte keys), look the chunk up in the index in one batch, decide each by the Core policy.
/// When the request is decided as a whole (informational, exempt, stale) recipients are only
/// validated: no hashing, no lookups.
/// </summary>
internal sealed class CheckProcessor(ConsentStore store, RecipientHasher hasher, GateRules rules, WatermarkSource watermarks, GateMetrics metrics)
{
    private const int Chunk = 256;

    public CheckResponseBuffer Process(CheckRequestView request)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (request.RecipientCount > 0 && request.KeyCount > 0)
        {
            throw new GrpcException(StatusCode.InvalidArgument, "A request carries recipients or recipient_keys, not both: send them in separate requests.");
        }

        if (request.Count > rules.MaxBatch)
        {
            throw new GrpcException(StatusCode.InvalidArgument, $"At most {rules.MaxBatch} recipients per request (Limits:MaxBatch); this one has {request.Count}: split the batch.");
        }

        var (channel, type) = GateRules.Validate(request.BrandCode, request.Channel, request.RecipientType);
        if (request.HasKeys && request.KeyId != 0 && request.KeyId != hasher.KeyId)
        {
            throw new GrpcException(StatusCode.FailedPrecondition, $"recipient_keys were made with hashing key {request.KeyId:x8}; this gate uses {hasher.KeyId:x8}. Hash with the gate's key, or send recipients as written.");
        }

        var context = rules.Context(request.IysCode, GateRules.Kind(request.Kind));
        var response = CheckResponseBuffer.Rent(request.RequestId, request.Count, watermarks.Current.Bytes);
        Decide(request, channel, type, context, response);
        metrics.RecordCheck(response.Counts, request.Count, request.HasKeys, started);
        return response;
    }

    private void Decide(CheckRequestView request, Channel channel, RecipientType type, in DecisionContext context, CheckResponseBuffer response)
    {
        Span<ConsentKey> keys = stackalloc ConsentKey[Chunk];
        Span<ConsentLookup> results = stackalloc ConsentLookup[Chunk];
        Span<bool> valid = stackalloc bool[Chunk];
        Span<byte> normalized = stackalloc byte[RecipientNormalizer.MaxNormalizedLength];
        var reasons = response.Reasons;
        int[] counts = response.Counts;
        var blanket = context.BlanketReason;
        bool lookups = blanket == Reason.Unspecified;
        uint brand = request.BrandCode;
        for (int start = 0; start < request.Count; start += Chunk)
        {
            int n = Math.Min(Chunk, request.Count - start);
            for (int i = 0; i < n; i++)
            {
                var entry = request.Entry(start + i);
                RecipientKey recipient = default;
                bool ok = request.HasKeys
                    ? RecipientKey.TryFromBytes(entry, out recipient)
                    : lookups
                        ? hasher.TryHash(entry, channel, out recipient) == RecipientError.None
                        : RecipientNormalizer.TryNormalize(entry, channel, normalized, out _) == RecipientError.None;
                valid[i] = ok;
                keys[i] = new ConsentKey(brand, channel, type, recipient);
            }

            if (lookups)
            {
                store.Index.Lookup(keys[..n], results[..n]);
            }

            for (int i = 0; i < n; i++)
            {
                var reason = !valid[i] ? Reason.DeniedInvalidRecipient
                    : lookups ? DecisionPolicy.DecideByRecord(results[i].State, results[i].LineClosedAt)
                    : blanket;
                reasons[start + i] = (byte)reason;
                counts[(int)reason]++;
            }
        }

        uint allowed = 0;
        for (int reason = 1; reason <= 15; reason++)
        {
            allowed += (uint)counts[reason];
        }

        response.Allowed = allowed;
    }
}
