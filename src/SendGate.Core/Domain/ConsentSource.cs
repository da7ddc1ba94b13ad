using System.Text;

namespace SendGate.Core.Domain;

/// <summary>
/// İYS's consent sources (where consent was taken: HS_* by the provider, IYS_* by the citizen
/// through İYS). Decoders read them through <see cref="FromUtf8"/>: a known source is one shared
/// string, not a new one per event (a catch-up decodes millions); an unknown one is kept as received.
/// </summary>
public static class ConsentSource
{
    private static readonly string[] Known =
    [
        "HS_FIZIKSEL_ORTAM", "HS_ISLAK_IMZA", "HS_WEB", "HS_CAGRI_MERKEZI", "HS_SOSYAL_MEDYA", "HS_EPOSTA", "HS_MESAJ",
        "HS_MOBIL", "HS_EORTAM", "HS_ETKINLIK", "HS_2015", "HS_ATM", "HS_KARAR",
        "IYS_3338", "IYS_CM", "IYS_WEB", "IYS_MOBIL", "IYS_KISA_LINK",
    ];

    private static readonly byte[][] KnownUtf8 = [.. Known.Select(Encoding.UTF8.GetBytes)];

    /// <summary>The source as a string: the shared instance when it is one of İYS's, else a new string.</summary>
    public static string FromUtf8(ReadOnlySpan<byte> utf8)
    {
        for (int i = 0; i < KnownUtf8.Length; i++)
        {
            if (utf8.SequenceEqual(KnownUtf8[i]))
            {
                return Known[i];
            }
        }

        return Encoding.UTF8.GetString(utf8);
    }

    /// <summary>The same for a string already made (e.g. by a protobuf parser): the shared instance when known.</summary>
    public static string Intern(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        int index = Array.IndexOf(Known, source);
        return index >= 0 ? Known[index] : source;
    }
}
