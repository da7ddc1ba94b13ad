using System.Text.RegularExpressions;

namespace SendGate.IysSimulator;

/// <summary>A consent as a provider writes it (single or bulk write).</summary>
public sealed record ConsentWrite(string? Type, string? Recipient, string? RecipientType, string? Status, string? ConsentDate, string? Source);

/// <summary>İYS's answer to one written consent: its transaction id and creation time, or an error with İYS's code.</summary>
public sealed record WriteOutcome(string? TransactionId, string? ErrorCode, string? ErrorMessage, DateTimeOffset? CreatedAt = null)
{
    public bool Succeeded => TransactionId is not null;
}

/// <summary>
/// The consents İYS holds for one provider's brands, and the rules its document gives for writes: a consent's fields
/// are validated first (422: H110–H121, H155, H156, H158, H162, H408, H464, H467, with the field and value), then the
/// record rules apply (400): the first record of an address cannot be RET (H175), ONAY→ONAY and RET→RET are refused
/// (H174), an update cannot be dated before the stored consent (H178). Every accepted change is kept in creation order
/// for PULL, the daily change file and its summary; a change from a citizen (<c>IYS_*</c>) is also handed to
/// <see cref="Recorded"/>, which the push of changes listens to.
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
    private readonly Dictionary<(uint Brand, string TransactionId), SimulatedChange> _byTransaction = [];
    private long _sequence;

    /// <summary>The provider's sources İYS accepts on writes (its document's enumeration).</summary>
    public static readonly string[] ProviderSources =
        ["HS_FIZIKSEL_ORTAM", "HS_ISLAK_IMZA", "HS_WEB", "HS_CAGRI_MERKEZI", "HS_SOSYAL_MEDYA", "HS_EPOSTA", "HS_MESAJ", "HS_MOBIL", "HS_EORTAM", "HS_ETKINLIK", "HS_2015", "HS_ATM", "HS_KARAR"];

    /// <summary>Called (outside the registry's lock) with every change recorded.</summary>
    public event Action<SimulatedChange>? Recorded;

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
        SimulatedChange change;
        lock (_lock)
        {
            change = new SimulatedChange(++_sequence, brand, consent.Type!, consent.RecipientType ?? "BIREYSEL", consent.Recipient!, consent.Status!,
                consent.ConsentDate, consent.Source, createdAt, transactionId ?? NewTransactionId(), citizenName);
            Insert(change);
        }

        Recorded?.Invoke(change);
        return change;
    }

    /// <summary>
    /// A provider's write after its fields were validated (<see cref="Validate"/>): the record rules, then recorded now
    /// when accepted.
    /// </summary>
    public WriteOutcome Write(uint brand, ConsentWrite consent, DateTimeOffset? at = null)
    {
        var now = at ?? clock.GetUtcNow();
        SimulatedChange change;
        lock (_lock)
        {
            var key = (brand, consent.Type!, consent.RecipientType ?? "BIREYSEL", consent.Recipient!);
            bool known = _newest.TryGetValue(key, out var newest);
            if (!known && consent.Status == "RET")
            {
                return new WriteOutcome(null, "H175", "İlk defa kaydedilen bir iznin durum (status) bilgisi RET olmamalıdır.");
            }

            if (known && newest!.Status == consent.Status)
            {
                return new WriteOutcome(null, "H174", $"İzin durumu (status) güncellemesi için farklı bir durum girilmelidir. İzin durumu: {newest.Status}");
            }

            if (known && SimulatedChange.TryParseIysTime(consent.ConsentDate, out var date) && SimulatedChange.TryParseIysTime(newest!.ConsentDate, out var stored) && date < stored)
            {
                return new WriteOutcome(null, "H178", "Sistemdeki iznin tarihinden önceki tarihli izinlerle güncelleme yapılamaz.");
            }

            change = new SimulatedChange(++_sequence, brand, consent.Type!, key.Item3, consent.Recipient!, consent.Status!,
                consent.ConsentDate, consent.Source, now, NewTransactionId(), null);
            Insert(change);
        }

        Recorded?.Invoke(change);
        return new WriteOutcome(change.TransactionId, null, null, change.CreatedAt);
    }

    /// <summary>Where PULL goes on from an <c>after</c> of (creation second, transactionId): after that change, or after that second if İYS does not know it.</summary>
    public (DateTimeOffset CreatedAt, long Sequence) Position(uint brand, long seconds, string transactionId)
    {
        lock (_lock)
        {
            return _byTransaction.TryGetValue((brand, transactionId), out var change)
                ? (change.CreatedAt, change.Sequence)
                : (DateTimeOffset.FromUnixTimeSeconds(seconds + 1).AddTicks(-1), long.MaxValue);
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

    private static string NewTransactionId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private void Insert(SimulatedChange change)
    {
        _byTransaction[(change.BrandCode, change.TransactionId)] = change;
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

    /// <summary>
    /// A consent's fields checked as İYS's document lists its 422 errors, each with the field (<c>location</c>) and the
    /// value refused; empty when the consent may be written.
    /// </summary>
    public static IReadOnlyList<IysFault> Validate(ConsentWrite consent, DateTimeOffset now, int? index = null)
    {
        var faults = new List<IysFault>();
        void Fault(string code, string message, string field, string? value) =>
            faults.Add(new IysFault(code, message, [field], value is null ? null : System.Text.Json.Nodes.JsonValue.Create(value), index));

        if (consent.Type is null)
        {
            Fault("H111", "İzin tipi (type) bulunamadı.", "type", null);
        }
        else if (consent.Type is not ("MESAJ" or "ARAMA" or "EPOSTA"))
        {
            Fault("H117", "İzin tipi (type) için uygun değerler: ARAMA, MESAJ, EPOSTA", "type", consent.Type);
        }

        if (consent.Status is null)
        {
            Fault("H110", "Durum (status) bulunamadı.", "status", null);
        }
        else if (consent.Status is not ("ONAY" or "RET"))
        {
            Fault("H115", "Durum (status) için uygun değerler: ONAY, RET", "status", consent.Status);
        }

        if (consent.RecipientType is not (null or "BIREYSEL" or "TACIR"))
        {
            Fault("H116", "Alıcı tipi (recipientType) için uygun değerler: BIREYSEL, TACIR", "recipientType", consent.RecipientType);
        }

        bool email = consent.Type == "EPOSTA";
        if (consent.Recipient is null)
        {
            Fault("H114", "Alıcı (recipient) bulunamadı.", "recipient", null);
        }
        else if (email && !EmailPattern().IsMatch(consent.Recipient))
        {
            Fault("H120", "Alıcı (recipient) kabul edilemedi. Geçerli bir eposta adresi giriniz.", "recipient", consent.Recipient);
        }
        else if (!email && consent.Type is ("MESAJ" or "ARAMA") && !PhonePattern().IsMatch(consent.Recipient))
        {
            Fault(consent.Recipient.Contains('@', StringComparison.Ordinal) ? "H464" : "H121",
                "Alıcı (recipient) için E164 uluslararası([+][country code][area code][local phone number]) formatına uygun bir telefon numarası girilmelidir.", "recipient", consent.Recipient);
        }

        bool merchant = consent.RecipientType == "TACIR";
        if (consent.Source is null)
        {
            if (!merchant)
            {
                Fault("H113", "İzin kaynağı (source) bulunamadı.", "source", null);
            }
        }
        else if (!ProviderSources.Contains(consent.Source))
        {
            Fault("H119", "İzin kaynağı (source) için uygun değerler: " + string.Join(", ", ProviderSources), "source", consent.Source);
        }
        else if (consent.Source == "HS_KARAR" && consent.Status == "ONAY")
        {
            Fault("H408", "HS_KARAR kaynağından iletilen izinler için durum bilgisi RET olmalıdır.", "status", consent.Status);
        }

        if (consent.ConsentDate is null)
        {
            if (!merchant)
            {
                Fault("H112", "İzin tarihi (consentDate) bulunamadı.", "consentDate", null);
            }
        }
        else if (!SimulatedChange.TryParseIysTime(consent.ConsentDate, out var consentDate))
        {
            Fault("H158", "İzin tarihi yyyy-mm-dd hh:mm:ss formatında olmalıdır.", "consentDate", consent.ConsentDate);
        }
        else if (consent.Source == "HS_2015" && consentDate != LawInForce)
        {
            Fault("H155", "İzin kaynağı “1 Mayıs 2015 öncesi” olan izinler için, izin tarihi sadece 2015-05-01 00:00:00 olabilir.", "consentDate", consent.ConsentDate);
        }
        else if (consent.Source != "HS_2015" && consentDate < LawInForce)
        {
            Fault("H156", "İzinler için 1 Mayıs 2015’den önceki tarihler kabul edilmemektedir.", "consentDate", consent.ConsentDate);
        }
        else if (consentDate > now)
        {
            Fault("H162", "Mevcut tarih ve saatten ileri bir tarih ve saat girilmemelidir.", "consentDate", consent.ConsentDate);
        }
        else if (consent.Source != "HS_2015" && consentDate < ThreeBusinessDaysBefore(now))
        {
            Fault("H467", "Üç iş günü öncesinde alınan izinler kaydedilemez.", "consentDate", consent.ConsentDate);
        }

        return faults;
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
