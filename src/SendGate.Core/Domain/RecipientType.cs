namespace SendGate.Core.Domain;

/// <summary>Values equal the wire enum <c>sendgate.v1.RecipientType</c>.</summary>
public enum RecipientType : byte
{
    /// <summary>On the wire this means <see cref="Bireysel"/>; inside the gate it is normalized away.</summary>
    Unspecified = 0,

    /// <summary>An individual.</summary>
    Bireysel = 1,

    /// <summary>A merchant or tradesman: needs no prior opt-in but must be registered in İYS.</summary>
    Tacir = 2,
}

public static class RecipientTypeRules
{
    /// <summary>Maps the wire default to BIREYSEL; returns <see cref="RecipientType.Unspecified"/> for unknown values.</summary>
    public static RecipientType Normalize(this RecipientType type) => type switch
    {
        RecipientType.Unspecified or RecipientType.Bireysel => RecipientType.Bireysel,
        RecipientType.Tacir => RecipientType.Tacir,
        _ => RecipientType.Unspecified,
    };

    /// <summary>The İYS name (BIREYSEL, TACIR).</summary>
    public static string Name(this RecipientType type) => type switch
    {
        RecipientType.Bireysel => "BIREYSEL",
        RecipientType.Tacir => "TACIR",
        _ => "UNSPECIFIED",
    };
}
