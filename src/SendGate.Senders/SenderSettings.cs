using SendGate.Contracts.V1;

namespace SendGate.Senders;

/// <summary>
/// A sender's İYS identity as configuration gives it (<c>Postfix:Senders:&lt;name&gt;</c>, <c>Kannel:Users:&lt;name&gt;</c>):
/// whose consents its messages need. Adapters extend it with what is their own (a password, numbers).
/// </summary>
public class SenderSettings
{
    /// <summary>The provider's İYS number (iysCode).</summary>
    public uint IysCode { get; set; }

    /// <summary>The brand whose consents the sender's messages need. Required.</summary>
    public uint BrandCode { get; set; }

    /// <summary>BIREYSEL (default) or TACIR.</summary>
    public string RecipientType { get; set; } = "BIREYSEL";

    /// <summary>COMMERCIAL (default) or INFORMATIONAL: declare informational only for traffic that is.</summary>
    public string Kind { get; set; } = "COMMERCIAL";

    /// <summary>On behalf of a retailer (İYS's integer code); 0: the brand itself.</summary>
    public uint RetailerCode { get; set; }

    /// <summary>Sentences for what is wrong, each naming <paramref name="path"/> (e.g. <c>Postfix:Senders:acme</c>).</summary>
    public IEnumerable<string> Problems(string path)
    {
        if (BrandCode == 0)
        {
            yield return $"{path}:BrandCode is required (the İYS brand code whose consents this sender's messages need).";
        }

        if (!TryParseType(RecipientType, out _))
        {
            yield return $"{path}:RecipientType '{RecipientType}' is not BIREYSEL or TACIR.";
        }

        if (!TryParseKind(Kind, out _))
        {
            yield return $"{path}:Kind '{Kind}' is not COMMERCIAL or INFORMATIONAL.";
        }
    }

    /// <summary>The profile for messages on <paramref name="channel"/>; call after <see cref="Problems"/> found none.</summary>
    public SenderProfile Profile(Channel channel)
    {
        if (!TryParseType(RecipientType, out var type) || !TryParseKind(Kind, out var kind))
        {
            throw new InvalidOperationException("The sender's settings were not validated.");
        }

        return new SenderProfile(IysCode, BrandCode, channel, type, kind, RetailerCode);
    }

    private static bool TryParseType(string text, out RecipientType type)
    {
        type = text.ToUpperInvariant() switch
        {
            "BIREYSEL" => Contracts.V1.RecipientType.Bireysel,
            "TACIR" => Contracts.V1.RecipientType.Tacir,
            _ => Contracts.V1.RecipientType.Unspecified,
        };
        return type != Contracts.V1.RecipientType.Unspecified;
    }

    private static bool TryParseKind(string text, out MessageKind kind)
    {
        kind = text.ToUpperInvariant() switch
        {
            "COMMERCIAL" or "TICARI" => MessageKind.Commercial,
            "INFORMATIONAL" or "BILGILENDIRME" => MessageKind.Informational,
            _ => MessageKind.Unspecified,
        };
        return kind != MessageKind.Unspecified;
    }
}
