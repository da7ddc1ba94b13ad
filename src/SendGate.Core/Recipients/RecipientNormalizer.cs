using SendGate.Core.Domain;

namespace SendGate.Core.Recipients;

/// <summary>
/// Turns a recipient as written into the canonical bytes that are hashed: E.164 for phones,
/// trimmed lower-case for e-mail. Works on UTF-8 bytes straight from the request, without
/// allocating; an input containing <c>@</c> is an e-mail address, anything else a phone.
/// </summary>
public static class RecipientNormalizer
{
    /// <summary>The largest normalized recipient (an e-mail address of 254 octets).</summary>
    public const int MaxNormalizedLength = EmailAddressParser.MaxLength;

    /// <summary>Inputs longer than this are refused before parsing: generous for whitespace, bounded for the stack.</summary>
    public const int MaxInputLength = 512;

    /// <summary>
    /// Normalizes <paramref name="input"/> for <paramref name="channel"/> into
    /// <paramref name="destination"/> (at least <see cref="MaxNormalizedLength"/> bytes).
    /// </summary>
    public static RecipientError TryNormalize(ReadOnlySpan<byte> input, Channel channel, Span<byte> destination, out int written)
    {
        written = 0;
        if (!channel.IsDefined())
        {
            return RecipientError.UnknownChannel;
        }

        if (input.Length > MaxInputLength)
        {
            return RecipientError.TooLong;
        }

        input = TrimAsciiWhitespace(input);
        if (input.IsEmpty)
        {
            return RecipientError.Empty;
        }

        if (input.Contains((byte)'@'))
        {
            if (channel.TakesPhoneNumbers())
            {
                return RecipientError.EmailOnPhoneChannel;
            }

            written = EmailAddressParser.TryNormalize(input, destination);
            if (written < 0)
            {
                written = 0;
                return input.Length > MaxNormalizedLength ? RecipientError.TooLong : RecipientError.MalformedEmail;
            }

            return RecipientError.None;
        }

        var error = PhoneNumberParser.TryNormalize(input, channel == Channel.Eposta ? Channel.Arama : channel, destination);
        if (error != RecipientError.None)
        {
            // Something that is not a phone number either, on EPOSTA, is simply not an e-mail address.
            return channel == Channel.Eposta ? RecipientError.MalformedEmail : error;
        }

        if (channel == Channel.Eposta)
        {
            return RecipientError.PhoneOnEmailChannel;
        }

        written = PhoneNumberParser.NormalizedLength;
        return RecipientError.None;
    }

    /// <summary>The same for text (CLI arguments, JSON files): transcodes on the stack.</summary>
    public static RecipientError TryNormalize(ReadOnlySpan<char> input, Channel channel, Span<byte> destination, out int written)
    {
        written = 0;
        if (input.Length > MaxInputLength)
        {
            return RecipientError.TooLong;
        }

        Span<byte> utf8 = stackalloc byte[MaxInputLength * 3];
        if (System.Text.Unicode.Utf8.FromUtf16(input, utf8, out _, out int bytes, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done)
        {
            return RecipientError.InvalidUtf8;
        }

        return TryNormalize(utf8[..bytes], channel, destination, out written);
    }

    private static ReadOnlySpan<byte> TrimAsciiWhitespace(ReadOnlySpan<byte> input)
    {
        int start = 0;
        int end = input.Length;
        while (start < end && IsWhitespace(input[start]))
        {
            start++;
        }

        while (end > start && IsWhitespace(input[end - 1]))
        {
            end--;
        }

        return input[start..end];
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
