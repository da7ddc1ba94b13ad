namespace SendGate.Core.Consent;

/// <summary>What a feed event turned out to be once decoded and validated, whatever its source.</summary>
public enum DecodedEventKind : byte
{
    Rejected = 0,
    Change,
    Closure,
}

/// <summary>
/// One event from any source (Kafka payload, İYS JSON line, İYS CSV row) after decoding and
/// validation by <see cref="FeedEventFactory"/>: a consent change, a line closure, or the reason
/// it cannot be applied. Consumers act on it through <see cref="Dispatch{TSink}"/>, the one place
/// the three cases are told apart.
/// </summary>
public readonly struct DecodedEvent
{
    private readonly ConsentChange? _change;
    private readonly LineClosure _closure;
    private readonly string? _rejection;

    private DecodedEvent(DecodedEventKind kind, ConsentChange? change, LineClosure closure, string? rejection)
    {
        Kind = kind;
        _change = change;
        _closure = closure;
        _rejection = rejection;
    }

    public DecodedEventKind Kind { get; }

    public bool IsValid => Kind != DecodedEventKind.Rejected;

    /// <summary>The change; null unless <see cref="Kind"/> is <see cref="DecodedEventKind.Change"/>.</summary>
    public ConsentChange? Change => _change;

    /// <summary>The closure; null unless <see cref="Kind"/> is <see cref="DecodedEventKind.Closure"/>.</summary>
    public LineClosure? Closure => Kind == DecodedEventKind.Closure ? _closure : null;

    /// <summary>Why the event was refused, naming the field, never the recipient; null when valid.</summary>
    public string? Rejection => _rejection;

    public static DecodedEvent Of(ConsentChange change) => new(DecodedEventKind.Change, change ?? throw new ArgumentNullException(nameof(change)), default, null);

    public static DecodedEvent Of(LineClosure closure) => new(DecodedEventKind.Closure, null, closure, null);

    public static DecodedEvent Rejected(string reason) => new(DecodedEventKind.Rejected, null, default, reason);

    public static DecodedEvent Rejected(FeedEventError error) => Rejected(error.Describe());

    /// <summary>Hands the event to the sink's method for its kind (generic so a struct sink is called without boxing).</summary>
    public void Dispatch<TSink>(TSink sink)
        where TSink : IDecodedEventSink
    {
        switch (Kind)
        {
            case DecodedEventKind.Change:
                sink.OnChange(_change!);
                break;
            case DecodedEventKind.Closure:
                sink.OnClosure(_closure);
                break;
            default:
                sink.OnRejected(_rejection!);
                break;
        }
    }
}

/// <summary>Where decoded events go: the consent store (feeds), the consent topic (the publisher).</summary>
public interface IDecodedEventSink
{
    void OnChange(ConsentChange change);

    void OnClosure(LineClosure closure);

    void OnRejected(string reason);
}
