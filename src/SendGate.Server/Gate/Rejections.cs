using System.Globalization;
using SendGate.Core.Domain;

namespace SendGate.Server.Gate;

/// <summary>
/// Every sentence a refused caller reads, written once: each says what is wrong and what to do,
/// and none says whether data exists.
/// </summary>
internal static class Rejections
{
    public static Rejection Unauthenticated { get; } = new(RejectionKind.Unauthenticated,
        "A valid API key (metadata 'authorization: Bearer <key>' or 'x-api-key: <key>') or client certificate is required.");

    public static Rejection ChannelRequired { get; } = new(RejectionKind.InvalidRequest, "channel is required: CHANNEL_MESAJ, CHANNEL_ARAMA or CHANNEL_EPOSTA.");

    public static Rejection BrandRequired { get; } = new(RejectionKind.InvalidRequest, "brand_code is required: the İYS brand code the consent is held for.");

    public static Rejection RecipientTypeInvalid { get; } = new(RejectionKind.InvalidRequest, "recipient_type must be RECIPIENT_TYPE_BIREYSEL or RECIPIENT_TYPE_TACIR (or unset for BIREYSEL).");

    public static Rejection RecipientsAndKeys { get; } = new(RejectionKind.InvalidRequest, "A request carries recipients or recipient_keys, not both: send them in separate requests.");

    public static Rejection ExplainNeedsOneRecipient { get; } = new(RejectionKind.InvalidRequest, "Give the recipient as written (recipient) or its 16-byte key (recipient_key): one of the two.");

    public static Rejection MalformedCredentials(string why) => new(RejectionKind.Unauthenticated, $"Malformed credentials: {why}.");

    public static Rejection MalformedRequest(string message, string why) => new(RejectionKind.InvalidRequest, $"The {message} is not valid protobuf: {why}");

    public static Rejection OverGateBatch(int max, int count) =>
        new(RejectionKind.InvalidRequest, $"At most {max} recipients per request (Limits:MaxBatch); this one has {count}: split the batch.");

    public static Rejection WrongHashingKey(uint theirs, uint ours) =>
        new(RejectionKind.WrongHashingKey, $"recipient_keys were made with hashing key {theirs:x8}; this gate uses {ours:x8}. Hash with the gate's key, or send recipients as written.");

    public static Rejection NotGranted(string client, string method, uint iysCode, uint brand, Channel channel) =>
        new(RejectionKind.NotGranted, $"This client ({client}) is not granted {What(method, iysCode, brand, channel)}.");

    public static Rejection NotGrantedRetailer(string client, string method, uint retailer) => new(RejectionKind.NotGranted, retailer == 0
        ? $"This client ({client}) acts for retailers only: give retailer_code, one of its retailers, in {method}."
        : $"This client ({client}) is not granted {method} on behalf of retailer {retailer}.");

    public static Rejection WrongShard(uint brand, int partition, int partitions, IReadOnlyList<int> held) => new(RejectionKind.WrongShard,
        $"Brand {brand} is on partition {partition} of {partitions} (brand placement); this shard serves partitions {string.Join(',', held)}: ask the shard that serves {partition}.");

    public static Rejection OverClientBatch(long limit) => new(RejectionKind.OverLimit, $"At most {limit} recipients per request for this client: split the batch.");

    public static Rejection OverBurst(long limit) => new(RejectionKind.OverLimit, $"The request is larger than this client's burst ({limit}): split the batch.");

    public static Rejection RateLimited(long limit, string per, TimeSpan retryAfter) =>
        new(RejectionKind.OverLimit, $"Rate limit of this client reached ({limit} per {per}): retry after {Millis(retryAfter)} ms.", retryAfter);

    /// <summary>Whole milliseconds, at least 1: what the retry hints carry.</summary>
    public static string Millis(TimeSpan retryAfter) => Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);

    private static string What(string method, uint iysCode, uint brand, Channel channel) => $"{method} for iys_code {iysCode}, brand_code {brand}, channel {channel.Name()}";
}
