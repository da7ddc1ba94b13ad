using System.Text.RegularExpressions;

namespace SendGate.IysSimulator;

/// <summary>A consent as a provider writes it (single or bulk write).</summary>
public sealed record ConsentWrite(string? Type, string? Recipient, string? RecipientType, string? Status, string? ConsentDate, string? Source);

/// <summary>İYS's answer to one written consent: its transaction id, or an error (with İYS's code where İYS documents one).</summary>
public sealed record WriteOutcome(string? TransactionId, string? ErrorCode, string? ErrorMessage)
{
    public bool Succeeded => TransactionId is not null;
}

/// <summary>
/// The consents İYS holds for one provider's brands, and the rules it enforces on writes (DOMAIN.md): the first
/// record of an address cannot be RET (H175), ONAY→ONAY and RET→RET are refused, a phone takes MESAJ/ARAMA and an
/// e-mail EPOSTA, consentDate never before 2015-05-01 (HS_2015 exactly then), back-dated at most 3 business days.
/// Every accepted change is kept in creation order for PULL and the daily change file, which see 7 days.
/// </summary>
public sealed partial class IysRegistry(TimeProvider clock)
{
    /// <summary>How far back PULL and the change file reach.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    /// <summary>The most recent changes PULL leaves out.</summary>
    public static readonly TimeSpan BlindSpot = TimeSpan.FromHours(1);

    private static readonly DateTimeOffset LawInForce = new(2015, 5, 1, 0, 0, 0, TimeSpan.FromHours(3));
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, List<SimulatedChange>> _changes = [];
    private readonly Dictionary<(uint Brand, string Type, string RecipientType, string Recipient), SimulatedChange> _newest = [];
    private long _sequence;

    public void AddBrand(uint brand)
    {
        lock (_lock)
        {
            _changes.TryAdd(brand, []);
        }
    }

    public bool HasBrand(uint brand)
    {
        lock (_lock)
        {
            return _changes.ContainsKey(brand);
        }
    }

    /// <summary>Records a change as İYS already holds it (seeding: a citizen's change, or history), at its own creation time.</summary>
    public SimulatedChange Seed(uint brand, ConsentWrite consent, DateTimeOffset createdAt, string? citizenName = null, string? transactionId = null)
    {
        lock (_lock)
        {
            var change = new SimulatedChange(++_sequence, brand, consent.Type!, consent.RecipientType ?? "BIREYSEL", consent.Recipient!, consent.Status!,
                consent.ConsentDate, consent.Source, createdAt, transactionId ?? Guid.NewGuid().ToString("N"), citizenName);
            Insert(change);
            return change;
        }
    }

    /// <summary>A provider's write: validated as İYS validates it, recorded now when accepted.</summary>
    public WriteOutcome Write(uint brand, ConsentWrite consent)
    {
        var now = clock.GetUtcNow();
        if (Validate(consent, now) is { } refusal)
        {
            return refusal;
        }

        lock (_lock)
        {
            var key = (brand, consent.Type!, consent.RecipientType ?? "BIREYSEL", consent.Recipient!);
            bool known = _newest.TryGetValue(key, out var newest);
            string? current = newest?.Status;
            if (!known && consent.Status == "RET")
            {
                return new WriteOutcome(null, "H175", "Alıcının ilk kaydı RET olamaz (the first record of a recipient cannot be RET).");
            }

            if (known && current == consent.Status)
            {
                return new WriteOutcome(null, null, $"The recipient's consent is already {current}.");
            }

            var change = new SimulatedChange(++_sequence, brand, consent.Type!, key.Item3, consent.Recipient!, consent.Status!,
                consent.ConsentDate, consent.Source, now, Guid.NewGuid().ToString("N"), null);
            Insert(change);
            return new WriteOutcome(change.TransactionId, null, null);
        }
    }

    /// <summary>PULL: changes of one source after a position, oldest first, none from the last hour, none older than 7 days.</summary>
    public IReadOnlyList<SimulatedChange> Pull(uint brand, string sourceKind, (DateTimeOffset CreatedAt, long Sequence)? after, int limit)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            var changes = _changes[brand];
            int start = after is { } position ? UpperBound(changes, position.CreatedAt, position.Sequence) : 0;
            var page = new List<SimulatedChange>(Math.Min(limit, 1024));
            for (int i = start; i < changes.Count && page.Count < limit; i++)
            {
                var change = changes[i];
                if (change.CreatedAt > now - BlindSpot)
                {
                    break; // ordered by creation: everything after is newer still
                }

                if (change.CreatedAt >= now - Retention && change.SourceKind == sourceKind)
                {
                    page.Add(change);
                }
            }

            return page;
        }
    }

    /// <summary>The newest change İYS holds for a recipient's (brand, type, recipient type) record; null when none.</summary>
    public SimulatedChange? Newest(uint brand, string type, string recipientType, string recipient)
    {
        lock (_lock)
        {
            return _newest.GetValueOrDefault((brand, type, recipientType, recipient));
        }
    }

    /// <summary>A brand's changes from one source at or before a position, whatever their age.</summary>
    public IReadOnlyList<SimulatedChange> UpTo(uint brand, string sourceKind, DateTimeOffset createdAt, long sequence)
    {
        lock (_lock)
        {
            var changes = _changes[brand];
            return [.. changes.Take(UpperBound(changes, createdAt, sequence)).Where(change => change.SourceKind == sourceKind)];
        }
    }

    /// <summary>The day's changes (İYS's calendar day, GMT+3) in creation order.</summary>
    public IReadOnlyList<SimulatedChange> Day(uint brand, DateOnly day)
    {
        lock (_lock)
        {
            return [.. _changes[brand].Where(change => DateOnly.FromDateTime(change.CreatedAt.ToOffset(TimeSpan.FromHours(3)).DateTime) == day)];
        }
    }

    private void Insert(SimulatedChange change)
    {
        var changes = _changes[change.BrandCode];
        changes.Insert(UpperBound(changes, change.CreatedAt, change.Sequence), change);
        var key = (change.BrandCode, change.Type, change.RecipientType, change.Recipient);
        if (!_newest.TryGetValue(key, out var newest) || newest.CreatedAt < change.CreatedAt || (newest.CreatedAt == change.CreatedAt && newest.Sequence < change.Sequence))
        {
            _newest[key] = change;
        }
    }

    // The index of the first change ordered after (createdAt, sequence).
    private static int UpperBound(List<SimulatedChange> changes, DateTimeOffset createdAt, long sequence)
    {
        int low = 0, high = changes.Count;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            var c = changes[middle];
            bool after = c.CreatedAt > createdAt || (c.CreatedAt == createdAt && c.Sequence > sequence);
            (low, high) = after ? (low, middle) : (middle + 1, high);
        }

        return low;
    }

    private static WriteOutcome? Validate(ConsentWrite consent, DateTimeOffset now)
    {
        static WriteOutcome Refuse(string message) => new(null, null, message);
        if (consent.Type is not ("MESAJ" or "ARAMA" or "EPOSTA"))
        {
            return Refuse("type must be MESAJ, ARAMA or EPOSTA.");
        }

        if (consent.RecipientType is not (null or "BIREYSEL" or "TACIR"))
        {
            return Refuse("recipientType must be BIREYSEL or TACIR.");
        }

        if (consent.Status is not ("ONAY" or "RET"))
        {
            return Refuse("status must be ONAY or RET.");
        }

        bool email = consent.Type == "EPOSTA";
        if (consent.Recipient is null || (email ? !EmailPattern().IsMatch(consent.Recipient) : !PhonePattern().IsMatch(consent.Recipient)))
        {
            return Refuse(email ? "recipient must be an e-mail address for EPOSTA." : "recipient must be a +90 phone number for MESAJ and ARAMA.");
        }

        bool merchant = consent.RecipientType == "TACIR";
        if (consent.Source is null ? !merchant : !consent.Source.StartsWith("HS_", StringComparison.Ordinal))
        {
            return Refuse("source must be one of the provider's HS_ sources.");
        }

        if (consent.ConsentDate is null)
        {
            return merchant ? null : Refuse("consentDate is required.");
        }

        if (!SimulatedChange.TryParseIysTime(consent.ConsentDate, out var consentDate))
        {
            return Refuse("consentDate must be YYYY-MM-DD HH:mm:ss.");
        }

        if (consent.Source == "HS_2015")
        {
            return consentDate == LawInForce ? null : Refuse("HS_2015 takes consentDate 2015-05-01 00:00:00 only.");
        }

        return consentDate < LawInForce ? Refuse("consentDate cannot be before 2015-05-01 00:00:00.")
            : consentDate > now ? Refuse("consentDate cannot be in the future.")
            : consentDate < ThreeBusinessDaysBefore(now) ? Refuse("consentDate can be back-dated at most 3 business days.")
            : null;
    }

    private static DateTimeOffset ThreeBusinessDaysBefore(DateTimeOffset now)
    {
        var day = now.ToOffset(TimeSpan.FromHours(3));
        for (int business = 0; business < 3;)
        {
            day = day.AddDays(-1);
            business += day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0 : 1;
        }

        return day;
    }

    [GeneratedRegex(@"^\+90\d{10}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
