using System.Text;
using System.Text.Unicode;

namespace SendGate.Core.Recipients;

/// <summary>
/// E-mail addresses → trimmed, lower-cased form. Validation follows RFC 5321/5322's
/// dot-atom form: one <c>@</c>; local part 1–64 octets of atext and single dots; domain of at
/// least two dot-separated labels of letters, digits and inner hyphens, each 1–63 octets, the
/// last not all digits; at most 254 octets in all (RFC 5321's 256-octet path less the angle
/// brackets). Quoted local parts and address literals are refused: no commercial list uses
/// them, and accepting them would make two spellings of one mailbox hash differently.
/// Non-ASCII (SMTPUTF8, IDN) octets are accepted when the whole is valid UTF-8, and lower-cased
/// by Unicode's simple case mapping (invariant, not Turkish-specific: <c>İ</c> → <c>i</c>),
/// so that <c>ÇİĞDEM@</c> and <c>çiğdem@</c> are one recipient.
/// </summary>
internal static class EmailAddressParser
{
    public const int MaxLength = 254;
    private const int MaxLocalLength = 64;
    private const int MaxLabelLength = 63;

    // atext of RFC 5322 besides letters and digits.
    private static readonly bool[] AtextSpecials = BuildAtextSpecials();

    /// <summary>Validates a trimmed address and writes its normalized form; returns the length written, or -1.</summary>
    public static int TryNormalize(ReadOnlySpan<byte> address, Span<byte> destination)
    {
        if (address.Length > 1 && address[0] == '<' && address[^1] == '>')
        {
            address = address[1..^1];
        }

        if (address.Length > MaxLength)
        {
            return -1;
        }

        int at = address.IndexOf((byte)'@');
        if (at <= 0 || at > MaxLocalLength || at != address.LastIndexOf((byte)'@'))
        {
            return -1;
        }

        var local = address[..at];
        var domain = address[(at + 1)..];
        bool ascii = true;
        if (!IsDotAtom(local, ref ascii) || !IsDomain(domain, ref ascii))
        {
            return -1;
        }

        if (!ascii)
        {
            return Utf8.IsValid(address) ? LowerUnicode(address, destination) : -1;
        }

        for (int i = 0; i < address.Length; i++)
        {
            byte b = address[i];
            destination[i] = (uint)(b - 'A') <= 'Z' - 'A' ? (byte)(b | 0x20) : b;
        }

        return address.Length;
    }

    /// <summary>The rare non-ASCII path: lower-cases per UTF-16 code unit on the stack (surrogate pairs are left as they are).</summary>
    private static int LowerUnicode(ReadOnlySpan<byte> address, Span<byte> destination)
    {
        Span<char> chars = stackalloc char[MaxLength];
        int count = Encoding.UTF8.GetChars(address, chars);
        for (int i = 0; i < count; i++)
        {
            // Unicode's simple lower-case of U+0130 (İ) is U+0069 (i); .NET's invariant casing leaves it out.
            chars[i] = chars[i] == '\u0130' ? 'i' : char.IsSurrogate(chars[i]) ? chars[i] : char.ToLowerInvariant(chars[i]);
        }

        return Encoding.UTF8.TryGetBytes(chars[..count], destination, out int written) && written <= MaxLength ? written : -1;
    }

    private static bool IsDotAtom(ReadOnlySpan<byte> local, ref bool ascii)
    {
        byte previous = (byte)'.'; // a leading dot is refused like a double dot
        foreach (byte b in local)
        {
            if (b == '.')
            {
                if (previous == '.')
                {
                    return false;
                }
            }
            else if (b >= 0x80)
            {
                ascii = false;
            }
            else if (!IsAsciiLetterOrDigit(b) && !AtextSpecials[b])
            {
                return false;
            }

            previous = b;
        }

        return previous != '.';
    }

    private static bool IsDomain(ReadOnlySpan<byte> domain, ref bool ascii)
    {
        int labels = 0;
        while (true)
        {
            int dot = domain.IndexOf((byte)'.');
            var label = dot < 0 ? domain : domain[..dot];
            if (label.Length is 0 or > MaxLabelLength || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            bool allDigits = true;
            foreach (byte b in label)
            {
                if (b >= 0x80)
                {
                    ascii = false;
                    allDigits = false;
                }
                else if ((uint)(b - '0') <= 9)
                {
                    continue;
                }
                else if (IsAsciiLetterOrDigit(b) || b == '-')
                {
                    allDigits = false;
                }
                else
                {
                    return false;
                }
            }

            labels++;
            if (dot < 0)
            {
                // The top-level domain is never numeric (that would be an IP address).
                return labels >= 2 && !allDigits;
            }

            domain = domain[(dot + 1)..];
        }
    }

    private static bool IsAsciiLetterOrDigit(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a' || (uint)(b - '0') <= 9;

    private static bool[] BuildAtextSpecials()
    {
        var table = new bool[128];
        foreach (char c in "!#$%&'*+-/=?^_`{|}~")
        {
            table[c] = true;
        }

        return table;
    }
}
