using SendGate.Core.Domain;

namespace SendGate.Core.Recipients;

/// <summary>
/// Turkish phone numbers as people write them → E.164 <c>+90XXXXXXXXXX</c>.
/// Accepted: <c>+90 532 123 45 67</c>, <c>0532 123 4567</c>, <c>5321234567</c>,
/// <c>0090 532…</c>, <c>90 532…</c>, <c>(532) 123-45-67</c>, with spaces, dots, dashes,
/// slashes and parentheses anywhere; a <c>+</c> only in front.
/// </summary>
internal static class PhoneNumberParser
{
    /// <summary>"+90" and ten digits.</summary>
    public const int NormalizedLength = 13;

    private const ulong TenDigits = 10_000_000_000UL;
    private const ulong TurkeyPrefix = 90;

    /// <summary>Parses; on success writes 13 ASCII bytes to <paramref name="destination"/>.</summary>
    public static RecipientError TryNormalize(ReadOnlySpan<byte> input, Channel channel, Span<byte> destination)
    {
        bool plus = false;
        int digits = 0;
        int leadingZeros = 0;
        ulong value = 0;
        foreach (byte b in input)
        {
            uint d = (uint)(b - '0');
            if (d <= 9)
            {
                if (++digits > 15)
                {
                    return RecipientError.MalformedPhone; // E.164 numbers have at most 15 digits
                }

                if (value == 0 && d == 0)
                {
                    leadingZeros++;
                }

                value = (value * 10) + d;
            }
            else if (b == '+' && digits == 0 && !plus)
            {
                plus = true;
            }
            else if (b is not ((byte)' ' or (byte)'\t' or (byte)'.' or (byte)'-' or (byte)'(' or (byte)')' or (byte)'/'))
            {
                return RecipientError.MalformedPhone;
            }
        }

        if (!TryNational(plus, digits, leadingZeros, value, out ulong national, out var error))
        {
            return error;
        }

        uint areaCode = (uint)(national / 10_000_000);
        if (channel == Channel.Mesaj ? !TurkishNumberingPlan.IsMobile(areaCode) : !TurkishNumberingPlan.IsCallable(areaCode))
        {
            return channel == Channel.Mesaj && TurkishNumberingPlan.IsCallable(areaCode)
                ? RecipientError.NotMobileNumber
                : RecipientError.NotInNumberingPlan;
        }

        destination[0] = (byte)'+';
        destination[1] = (byte)'9';
        destination[2] = (byte)'0';
        for (int i = NormalizedLength - 1; i >= 3; i--)
        {
            destination[i] = (byte)('0' + (national % 10));
            national /= 10;
        }

        return RecipientError.None;
    }

    private static ulong Pow10(int exponent) => PowersOf10[exponent];

    private static ReadOnlySpan<ulong> PowersOf10 =>
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
    ];

    /// <summary>Strips the country prefix or trunk zero and returns the 10-digit national number.</summary>
    private static bool TryNational(bool plus, int digits, int leadingZeros, ulong value, out ulong national, out RecipientError error)
    {
        national = 0;
        error = RecipientError.MalformedPhone;
        if (plus || leadingZeros >= 2)
        {
            // An international number: +CC... or 00CC...; the significant digits begin with the country code.
            int significant = digits - leadingZeros;
            if ((plus && leadingZeros != 0) || (!plus && leadingZeros != 2) || significant < 2)
            {
                return false;
            }

            if (value / Pow10(significant - 2) != TurkeyPrefix)
            {
                error = RecipientError.NotTurkishNumber;
                return false;
            }

            if (significant != 12)
            {
                return false;
            }

            national = value % TenDigits;
        }
        else if (leadingZeros == 1)
        {
            // 0XXXXXXXXXX: trunk prefix and ten national digits.
            if (digits != 11)
            {
                return false;
            }

            national = value;
        }
        else if (digits == 12 && value / TenDigits == TurkeyPrefix)
        {
            national = value % TenDigits; // 90XXXXXXXXXX
        }
        else if (digits == 10)
        {
            national = value;
        }
        else
        {
            return false;
        }

        // A national number starts with 2-9 (0 is the trunk prefix, 1 is for short codes).
        if (national < 2 * 1_000_000_000UL)
        {
            error = RecipientError.NotInNumberingPlan;
            return false;
        }

        error = RecipientError.None;
        return true;
    }
}
