namespace SendGate.Kafka;

/// <summary>
/// Masks what could be a phone number or an e-mail address in bytes we cannot parse (an
/// undecodable payload, a foreign message key) before they are copied to the dead-letter
/// topic: every digit of a run of phone-like characters holding 7 or more digits, and every
/// byte of a token containing '@'. Errs on the side of masking: a dead letter keeps enough of
/// the original to diagnose it, never an address.
/// </summary>
public static class PlaintextMask
{
    private const byte Mask = (byte)'*';
    private const int MinPhoneDigits = 7;

    /// <summary>Masks <paramref name="bytes"/> in place; true when anything was masked.</summary>
    public static bool Apply(Span<byte> bytes)
    {
        bool masked = MaskPhones(bytes);
        return MaskEmails(bytes) | masked;
    }

    private static bool MaskPhones(Span<byte> bytes)
    {
        bool masked = false;
        int start = 0;
        while (start < bytes.Length)
        {
            if (!IsPhoneByte(bytes[start]))
            {
                start++;
                continue;
            }

            int end = start;
            int digits = 0;
            while (end < bytes.Length && IsPhoneByte(bytes[end]))
            {
                digits += char.IsAsciiDigit((char)bytes[end]) ? 1 : 0;
                end++;
            }

            if (digits >= MinPhoneDigits)
            {
                foreach (ref byte b in bytes[start..end])
                {
                    b = char.IsAsciiDigit((char)b) ? Mask : b;
                }

                masked = true;
            }

            start = end;
        }

        return masked;
    }

    private static bool MaskEmails(Span<byte> bytes)
    {
        bool masked = false;
        for (int at = bytes.IndexOf((byte)'@'); at >= 0; at = NextAt(bytes, at))
        {
            int start = at;
            while (start > 0 && IsAddressByte(bytes[start - 1]))
            {
                start--;
            }

            int end = at + 1;
            while (end < bytes.Length && IsAddressByte(bytes[end]))
            {
                end++;
            }

            bytes[start..end].Fill(Mask);
            masked = true;
        }

        return masked;
    }

    private static int NextAt(ReadOnlySpan<byte> bytes, int after)
    {
        int next = bytes[(after + 1)..].IndexOf((byte)'@');
        return next < 0 ? -1 : after + 1 + next;
    }

    private static bool IsPhoneByte(byte b) => char.IsAsciiDigit((char)b) || b is (byte)' ' or (byte)'+' or (byte)'-' or (byte)'(' or (byte)')' or (byte)'.';

    // Anything printable that may sit in an address, including UTF-8 (internationalized names).
    private static bool IsAddressByte(byte b) => b >= 0x80 || (b > 0x20 && b < 0x7F && b is not ((byte)'"' or (byte)',' or (byte)';' or (byte)'<' or (byte)'>' or (byte)'(' or (byte)')' or (byte)'[' or (byte)']' or (byte)':' or (byte)'\\'));
}
