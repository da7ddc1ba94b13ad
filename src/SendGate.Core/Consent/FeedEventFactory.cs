using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Core.Recipients;

namespace SendGate.Core.Consent;

/// <summary>
/// Validates decoded feed events and turns them into <see cref="ConsentChange"/> and
/// <see cref="LineClosure"/>, hashing any plaintext address on arrival. The one place the
/// rules for an acceptable event live, whatever the source.
/// </summary>
public sealed class FeedEventFactory(RecipientHasher hasher, TimeProvider clock, TimeSpan futureTolerance)
{
    /// <summary>The default clock skew tolerated for times in the future.</summary>
    public static readonly TimeSpan DefaultFutureTolerance = TimeSpan.FromHours(24);

    public FeedEventFactory(RecipientHasher hasher, TimeProvider clock)
        : this(hasher, clock, DefaultFutureTolerance)
    {
    }

    private KeptLatest? _latest;

    public RecipientHasher Hasher => hasher;

    /// <summary>The change the input describes, or why it cannot be applied.</summary>
    public DecodedEvent Create(in ConsentChangeInput input)
    {
        var error = TryCreate(input, out var change);
        return error == FeedEventError.None ? DecodedEvent.Of(change!) : DecodedEvent.Rejected(error);
    }

    /// <summary>The line closure, or why it cannot be applied.</summary>
    public DecodedEvent Create(RecipientInput recipient, ConsentTime closedAt)
    {
        var error = TryCreate(recipient, closedAt, out var closure);
        return error == FeedEventError.None ? DecodedEvent.Of(closure) : DecodedEvent.Rejected(error);
    }

    public FeedEventError TryCreate(in ConsentChangeInput input, out ConsentChange? change)
    {
        change = null;
        var type = input.RecipientType.Normalize();
        var error =
            input.IysCode == 0 ? FeedEventError.MissingIysCode :
            input.BrandCode == 0 ? FeedEventError.MissingBrandCode :
            !input.Channel.IsDefined() ? FeedEventError.UnknownChannel :
            type == RecipientType.Unspecified ? FeedEventError.UnknownRecipientType :
            input.Status is not (ConsentStatus.Onay or ConsentStatus.Ret) ? FeedEventError.UnknownStatus :
            // İYS makes consentDate optional for merchants (registered, not opted in); a person's record needs it.
            input.ConsentDate.IsNone && type != RecipientType.Tacir ? FeedEventError.MissingConsentDate :
            input.ModifiedAt.IsNone ? FeedEventError.MissingModificationTime :
            CheckTimes(input.ConsentDate, input.ModifiedAt);
        if (error != FeedEventError.None)
        {
            return error;
        }

        if (!RetailerRule.TryParse(input.RetailerCode, input.RetailerAccess, out _))
        {
            return FeedEventError.MalformedRetailer;
        }

        error = TryResolve(input.Recipient, input.Channel, out var recipient);
        if (error != FeedEventError.None)
        {
            return error;
        }

        var record = new ConsentRecord
        {
            State = ConsentState.Create(input.Status, input.ConsentDate, input.ModifiedAt),
            IysCode = input.IysCode,
            Source = input.Source ?? string.Empty,
            TransactionId = input.TransactionId ?? string.Empty,
            RetailerCode = input.RetailerCode ?? string.Empty,
            RetailerAccess = input.RetailerAccess ?? [],
        };
        change = new ConsentChange(new ConsentKey(input.BrandCode, input.Channel, type, recipient), record);
        return FeedEventError.None;
    }

    /// <summary>Line closures are for phone lines: an address must be a Turkish number (any callable range).</summary>
    public FeedEventError TryCreate(RecipientInput recipientInput, ConsentTime closedAt, out LineClosure closure)
    {
        closure = default;
        var error = closedAt.IsNone ? FeedEventError.MissingClosedAt : CheckTime(closedAt);
        if (error == FeedEventError.None)
        {
            error = TryResolve(recipientInput, Channel.Arama, out var recipient);
            closure = new LineClosure(recipient, closedAt);
        }

        return error;
    }

    private FeedEventError TryResolve(RecipientInput input, Channel channel, out RecipientKey recipient)
    {
        recipient = default;
        bool hasAddress = input.HasAddress;
        if (hasAddress && input.HasKey)
        {
            return FeedEventError.BothAddressAndKey;
        }

        if (input.IsHashedAddress)
        {
            // Hashed by the decoder from its bytes; a closure is normalized as a phone line (any callable range) either way.
            recipient = input.Hashed.Key;
            return input.Hashed.Error == RecipientError.None ? FeedEventError.None : FeedEventError.InvalidRecipient;
        }

        if (input.HasKey)
        {
            if (input.KeyId != 0 && input.KeyId != hasher.KeyId)
            {
                return FeedEventError.KeyIdMismatch;
            }

            if (input.IsCheckedKey)
            {
                recipient = input.CheckedKey.GetValueOrDefault();
                return input.CheckedKey.HasValue ? FeedEventError.None : FeedEventError.MalformedRecipientKey;
            }

            return RecipientKey.TryFromBytes(input.Key.Span, out recipient) ? FeedEventError.None : FeedEventError.MalformedRecipientKey;
        }

        if (!hasAddress)
        {
            return FeedEventError.MissingRecipient;
        }

        return hasher.TryHash(input.Address.AsSpan(), channel, out recipient) == RecipientError.None
            ? FeedEventError.None
            : FeedEventError.InvalidRecipient;
    }

    /// <summary>A change's times: the consent date (when it has one) and the modification time, against one reading of the clock.</summary>
    private FeedEventError CheckTimes(ConsentTime consentDate, ConsentTime modifiedAt)
    {
        var latest = Latest();
        return !consentDate.IsNone && CheckTime(consentDate, latest) is var c and not FeedEventError.None ? c : CheckTime(modifiedAt, latest);
    }

    private FeedEventError CheckTime(ConsentTime time) => CheckTime(time, Latest());

    /// <summary>
    /// The latest time an event may carry: now, plus the clock skew tolerated. Reading the system clock for every
    /// event cost ~28 ns of a 148 ns decode here (a KVM guest; FeedDecodeBenchmarks, same run), so with the system
    /// clock the value is kept for 100 ms, timed by the coarse tick count: against a 24 h tolerance that is nothing.
    /// Any other clock (tests' fake time) is read every time.
    /// </summary>
    private DateTimeOffset Latest()
    {
        if (!ReferenceEquals(clock, TimeProvider.System))
        {
            return clock.GetUtcNow() + futureTolerance;
        }

        long ticks = Environment.TickCount64;
        var kept = _latest;
        if (kept is null || ticks >= kept.Until)
        {
            _latest = kept = new KeptLatest(clock.GetUtcNow() + futureTolerance, ticks + 100);
        }

        return kept.Latest;
    }

    private sealed record KeptLatest(DateTimeOffset Latest, long Until);

    private static FeedEventError CheckTime(ConsentTime time, DateTimeOffset latest)
    {
        if (time < ConsentTime.EarliestValid)
        {
            return FeedEventError.TimeBeforeLaw;
        }

        // A time far in the future would win the newest-wins rule forever: refuse it.
        return time.ToDateTimeOffset() > latest || time > ConsentTime.MaxPackable ? FeedEventError.TimeInFuture : FeedEventError.None;
    }
}
