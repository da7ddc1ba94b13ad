using Google.Protobuf.WellKnownTypes;
using SendGate.Core.Domain;

namespace SendGate.Contracts;

/// <summary>
/// Wire enums ↔ domain enums. The domain enums are byte-sized copies with equal values (a test
/// walks every wire value to keep it so), which makes these casts, not lookups.
/// </summary>
public static class WireMapping
{
    public static Channel ToDomain(this V1.Channel channel) => (uint)channel <= byte.MaxValue ? (Channel)(byte)channel : (Channel)byte.MaxValue;

    public static RecipientType ToDomain(this V1.RecipientType type) => (uint)type <= byte.MaxValue ? (RecipientType)(byte)type : (RecipientType)byte.MaxValue;

    public static MessageKind ToDomain(this V1.MessageKind kind) => (uint)kind <= byte.MaxValue ? (MessageKind)(byte)kind : (MessageKind)byte.MaxValue;

    public static ConsentStatus ToDomain(this V1.ConsentStatus status) => (uint)status <= byte.MaxValue ? (ConsentStatus)(byte)status : (ConsentStatus)byte.MaxValue;

    public static V1.Channel ToWire(this Channel channel) => (V1.Channel)(int)channel;

    public static V1.RecipientType ToWire(this RecipientType type) => (V1.RecipientType)(int)type;

    public static V1.ConsentStatus ToWire(this ConsentStatus status) => (V1.ConsentStatus)(int)status;

    public static V1.Reason ToWire(this Reason reason) => (V1.Reason)(int)reason;

    /// <summary>A protobuf Timestamp to a ConsentTime; absent or out-of-range times become <see cref="ConsentTime.None"/>.</summary>
    public static ConsentTime ToConsentTime(this Timestamp? timestamp) =>
        timestamp is not null && ConsentTime.TryFromUnixSeconds(timestamp.Seconds, out var time) ? time : ConsentTime.None;

    public static Timestamp? ToTimestamp(this ConsentTime time) =>
        time.IsNone ? null : new Timestamp { Seconds = time.ToUnixSeconds() };
}
