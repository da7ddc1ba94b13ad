namespace SendGate.Core.Domain;

/// <summary>Values equal the wire enum <c>sendgate.v1.ConsentStatus</c>.</summary>
public enum ConsentStatus : byte
{
    /// <summary>No record.</summary>
    None = 0,

    /// <summary>Consent given.</summary>
    Onay = 1,

    /// <summary>Refused or withdrawn.</summary>
    Ret = 2,
}
