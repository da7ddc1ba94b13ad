using System.Security.Cryptography;
using System.Text;
using SendGate.Access;
using SendGate.Audit;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Core.Policy;
using SendGate.Core.Recipients;
using SendGate.Index;
using SendGate.Server.Access;
using SendGate.Server.Observability;

namespace SendGate.Server.Gate;

/// <summary>
/// The serving path of Check, transport-agnostic: request view in, response buffer out. Per
/// chunk of recipients: normalize and hash straight from the request's UTF-8 bytes (or take the
/// 16-byte keys), look the chunk up in the index in one batch, decide each by the Core policy.
/// When the request is decided as a whole (informational, exempt, stale) recipients are only
/// validated: no hashing, no lookups (unless the decision log needs the keys for its digest).
/// The caller's admission comes after validation and before anything is looked up.
/// </summary>
internal sealed class CheckProcessor(ConsentStore store, RecipientHasher hasher, GateRules rules, WatermarkSource watermarks, GateMetrics metrics,
    AccessGuard access, DecisionLog decisions, ShardGuard shard, TimeProvider clock)
{
    private const int Chunk = 256;

    /// <summary>Longest request id copied into the decision log.</summary>
    private const int MaxLoggedRequestId = 128;

    public Outcome<CheckResponseBuffer> Process(CheckRequestView request, GateClient client, string method)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (request.RecipientCount > 0 && request.KeyCount > 0)
        {
            return Rejections.RecipientsAndKeys;
        }

        if (request.Count > rules.MaxBatch)
        {
            return Rejections.OverGateBatch(rules.MaxBatch, request.Count);
        }

        if (GateRules.Validate(request.BrandCode, request.Channel, request.RecipientType, out var channel, out var type) is { } invalid)
        {
            return invalid;
        }

        if ((shard.Refuse(request.BrandCode) ?? shard.Refuse(request, channel)) is { } elsewhere)
        {
            return elsewhere;
        }

        if (access.AdmitCheck(client, method, request.IysCode, request.BrandCode, channel, request.Count, rules.MaxBatch, request.RetailerCode) is { } refused)
        {
            return refused;
        }

        if (request.HasKeys && request.KeyId != 0 && request.KeyId != hasher.KeyId)
        {
            return Rejections.WrongHashingKey(request.KeyId, hasher.KeyId);
        }

        var kind = GateRules.Kind(request.Kind);
        var context = rules.Context(request.IysCode, kind);
        var watermark = watermarks.Current;
        var response = CheckResponseBuffer.Rent(request.RequestId, request.Count, watermark.Bytes);
        var digest = decisions.Enabled ? KeysDigest.Begin() : null;
        Decide(request, channel, type, context, response, digest);
        metrics.RecordCheck(response.Counts, request.Count, request.HasKeys, started);
        metrics.RecordClient(client.Name, response.Allowed, request.Count);
        if (digest is not null)
        {
            var id = request.RequestId;
            decisions.Append(new DecisionRecord(
                clock.GetUtcNow(), method, client.Name, Encoding.UTF8.GetString(id[..Math.Min(id.Length, MaxLoggedRequestId)]),
                request.IysCode, request.BrandCode, channel, type, kind, request.Count,
                ReasonCounts.From(response.Counts), watermark.Audit, digest.GetHashAndReset()));
        }

        return response;
    }

    // digest, when the decision log is on, gets every recipient's key as KeysDigest defines it.
    private void Decide(CheckRequestView request, Channel channel, RecipientType type, in DecisionContext context, CheckResponseBuffer response, IncrementalHash? digest)
    {
        Span<ConsentKey> keys = stackalloc ConsentKey[Chunk];
        Span<ConsentLookup> results = stackalloc ConsentLookup[Chunk];
        Span<bool> valid = stackalloc bool[Chunk];
        Span<byte> normalized = stackalloc byte[RecipientNormalizer.MaxNormalizedLength];
        Span<byte> keyBytes = digest is null ? default : stackalloc byte[Chunk * RecipientKey.Size];
        var reasons = response.Reasons;
        int[] counts = response.Counts;
        var blanket = context.BlanketReason;
        bool lookups = blanket == Reason.Unspecified;
        bool hash = lookups || digest is not null;
        uint brand = request.BrandCode;
        uint retailer = request.RetailerCode;
        var retailers = store.Index.Retailers;
        for (int start = 0; start < request.Count; start += Chunk)
        {
            int n = Math.Min(Chunk, request.Count - start);
            for (int i = 0; i < n; i++)
            {
                var entry = request.Entry(start + i);
                RecipientKey recipient = default;
                bool ok = request.HasKeys
                    ? RecipientKey.TryFromBytes(entry, out recipient)
                    : hash
                        ? hasher.TryHash(entry, channel, out recipient) == RecipientError.None
                        : RecipientNormalizer.TryNormalize(entry, channel, normalized, out _) == RecipientError.None;
                valid[i] = ok;
                keys[i] = new ConsentKey(brand, channel, type, recipient);
            }

            if (lookups)
            {
                store.Index.Lookup(keys[..n], results[..n]);
            }

            if (digest is not null)
            {
                for (int i = 0; i < n; i++)
                {
                    keys[i].Recipient.WriteTo(keyBytes.Slice(i * RecipientKey.Size, RecipientKey.Size));
                }

                digest.AppendData(keyBytes[..(n * RecipientKey.Size)]);
            }

            for (int i = 0; i < n; i++)
            {
                var reason = !valid[i] ? Reason.DeniedInvalidRecipient
                    : lookups ? DecisionPolicy.DecideByRecord(results[i].State, results[i].LineClosedAt)
                    : blanket;
                if (retailer != 0 && reason == Reason.AllowedConsent)
                {
                    reason = DecisionPolicy.ForRetailer(reason, retailer, retailers.Find(keys[i]));
                }

                reasons[start + i] = (byte)reason;
                counts[(int)reason]++;
            }
        }

        uint allowed = 0;
        for (int reason = 1; reason <= ReasonRules.LastAllowed; reason++)
        {
            allowed += (uint)counts[reason];
        }

        response.Allowed = allowed;
    }
}
