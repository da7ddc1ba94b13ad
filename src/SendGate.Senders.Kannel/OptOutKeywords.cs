using System.Text;

namespace SendGate.Senders.Kannel;

/// <summary>
/// Whether a reply is a refusal: its first word is one of the keywords, compared without case and without Turkish
/// diacritics ("ret", "Ret", "RET ACME", "İptal", "ıptal", "IPTAL." all match RET or IPTAL; "RETURN" does not).
/// </summary>
public sealed class OptOutKeywords(IEnumerable<string> keywords)
{
    private readonly HashSet<string> _keywords = new(keywords.Select(Fold), StringComparer.Ordinal);

    public bool IsRefusal(string? text)
    {
        var words = (text ?? string.Empty).Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return words.Length > 0 && _keywords.Contains(Fold(words[0]));
    }

    /// <summary>
    /// Upper case with Turkish letters on their ASCII base (İ ı → I, Ş → S, Ğ → G, Ü → U, Ö → O, Ç → C, and the
    /// circumflexed Â Î Û), punctuation dropped. A table, not Unicode decomposition: ı has none, and the gate runs
    /// with invariant globalization.
    /// </summary>
    public static string Fold(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var folded = new StringBuilder(word.Length);
        foreach (char c in word)
        {
            char letter = c switch
            {
                'İ' or 'ı' or 'i' or 'Î' or 'î' => 'I',
                'Ş' or 'ş' => 'S',
                'Ğ' or 'ğ' => 'G',
                'Ü' or 'ü' or 'Û' or 'û' => 'U',
                'Ö' or 'ö' => 'O',
                'Ç' or 'ç' => 'C',
                'Â' or 'â' => 'A',
                _ => char.ToUpperInvariant(c),
            };
            if (char.IsAsciiLetterOrDigit(letter))
            {
                folded.Append(letter);
            }
        }

        return folded.ToString();
    }
}
