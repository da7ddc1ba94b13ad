using SendGate.Core.Domain;

namespace SendGate.Core.Consent;

/// <summary>
/// The hot state of one consent tuple, packed into 64 bits so that it is read and written
/// atomically and ordered by a single unsigned comparison.
/// <code>
///  63                               33  32  31                               0
/// +-----------------------------------+----+----------------------------------+
/// | modified-at (31 bits, s)          |RET | consent date (32 bits, s)        |
/// +-----------------------------------+----+----------------------------------+
/// </code>
/// Times are <see cref="ConsentTime"/> seconds. Zero is "no record": a valid record always
/// has a modification time after 2015-05-01, so its word is never zero. A consent date of zero
/// is "not given", which İYS allows for TACIR records only (<see cref="FeedEventFactory"/>
/// enforces that); such a record is ordered and compared with line closures by its
/// modification time (<see cref="EffectiveConsentDate"/>).
/// <para>
/// The event application rule is a maximum over this order: the newest modification time
/// wins; on equal times RET wins; then the later consent date. A maximum is commutative,
/// associative and idempotent, so duplicated, replayed and reordered events converge to the
/// same state.
/// </para>
/// </summary>
public readonly record struct ConsentState(ulong Bits) : IComparable<ConsentState>
{
    private const int ModifiedShift = 33;
    private const ulong RetBit = 1UL << 32;

    public static ConsentState None => default;

    public bool IsNone => Bits == 0;

    public ConsentStatus Status => Bits == 0 ? ConsentStatus.None : (Bits & RetBit) != 0 ? ConsentStatus.Ret : ConsentStatus.Onay;

    public ConsentTime ConsentDate => new((uint)Bits);

    public ConsentTime ModifiedAt => new((uint)(Bits >> ModifiedShift));

    /// <summary>False for a TACIR record İYS holds without a consent date.</summary>
    public bool HasConsentDate => (uint)Bits != 0;

    /// <summary>The time the consent was given as far as line closures are concerned: the consent date, or the modification time when none was given.</summary>
    public ConsentTime EffectiveConsentDate => HasConsentDate ? ConsentDate : ModifiedAt;

    /// <summary>Packs a record's state. The caller has validated the times (see <see cref="FeedEventFactory"/>); <paramref name="consentDate"/> may be none (TACIR).</summary>
    public static ConsentState Create(ConsentStatus status, ConsentTime consentDate, ConsentTime modifiedAt)
    {
        if (status is not (ConsentStatus.Onay or ConsentStatus.Ret))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A record is ONAY or RET.");
        }

        if (modifiedAt.IsNone || modifiedAt > ConsentTime.MaxPackable)
        {
            throw new ArgumentOutOfRangeException(nameof(modifiedAt), "A record needs a modification time no later than 2083.");
        }

        ulong bits = ((ulong)modifiedAt.Seconds << ModifiedShift) | consentDate.Seconds;
        return new ConsentState(status == ConsentStatus.Ret ? bits | RetBit : bits);
    }

    /// <summary>The event application rule: of two states for the same tuple, the one that stands.</summary>
    public static ConsentState Newest(ConsentState current, ConsentState incoming) =>
        incoming.Bits > current.Bits ? incoming : current;

    /// <summary>True when applying <paramref name="incoming"/> over this state changes it.</summary>
    public bool IsSupersededBy(ConsentState incoming) => incoming.Bits > Bits;

    public int CompareTo(ConsentState other) => Bits.CompareTo(other.Bits);

    public static bool operator <(ConsentState left, ConsentState right) => left.Bits < right.Bits;

    public static bool operator >(ConsentState left, ConsentState right) => left.Bits > right.Bits;

    public static bool operator <=(ConsentState left, ConsentState right) => left.Bits <= right.Bits;

    public static bool operator >=(ConsentState left, ConsentState right) => left.Bits >= right.Bits;

    public override string ToString() =>
        IsNone ? "none" : $"{Status} consent={(HasConsentDate ? ConsentDate.ToString() : "not given")} modified={ModifiedAt}";
}
