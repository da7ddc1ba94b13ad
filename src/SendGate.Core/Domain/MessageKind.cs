namespace SendGate.Core.Domain;

/// <summary>Values equal the wire enum <c>sendgate.v1.MessageKind</c>.</summary>
public enum MessageKind : byte
{
    /// <summary>On the wire this means <see cref="Commercial"/>: when in doubt a message is commercial.</summary>
    Unspecified = 0,

    /// <summary>TICARI: needs consent.</summary>
    Commercial = 1,

    /// <summary>BILGILENDIRME: declared informational by the provider; needs no consent.</summary>
    Informational = 2,
}

public static class MessageKindRules
{
    /// <summary>
    /// Informational only when declared so; anything else (unspecified, unknown future values)
    /// is treated as commercial, the side that needs consent.
    /// </summary>
    public static MessageKind Normalize(this MessageKind kind) =>
        kind == MessageKind.Informational ? MessageKind.Informational : MessageKind.Commercial;

    /// <summary>COMMERCIAL or INFORMATIONAL, as the decision log writes it.</summary>
    public static string Name(this MessageKind kind) => kind.Normalize() == MessageKind.Informational ? "INFORMATIONAL" : "COMMERCIAL";
}
