namespace SendGate.Core.Domain;

/// <summary>The İYS consent type. Values equal the wire enum <c>sendgate.v1.Channel</c>.</summary>
public enum Channel : byte
{
    Unspecified = 0,

    /// <summary>SMS.</summary>
    Mesaj = 1,

    /// <summary>Voice call.</summary>
    Arama = 2,

    /// <summary>E-mail.</summary>
    Eposta = 3,
}

/// <summary>Channel facts the rules need.</summary>
public static class ChannelRules
{
    /// <summary>True for the three channels İYS knows.</summary>
    public static bool IsDefined(this Channel channel) => (uint)(channel - 1) < 3;

    /// <summary>Phones take MESAJ and ARAMA; e-mail addresses take EPOSTA.</summary>
    public static bool TakesPhoneNumbers(this Channel channel) => channel is Channel.Mesaj or Channel.Arama;

    /// <summary>The İYS name (MESAJ, ARAMA, EPOSTA), as in İYS files, logs and messages.</summary>
    public static string Name(this Channel channel) => channel switch
    {
        Channel.Mesaj => "MESAJ",
        Channel.Arama => "ARAMA",
        Channel.Eposta => "EPOSTA",
        _ => "UNSPECIFIED",
    };
}
