namespace SendGate.Core.Recipients;

/// <summary>Why a written recipient is not a valid address for the channel. Any of these is REASON_DENIED_INVALID_RECIPIENT.</summary>
public enum RecipientError : byte
{
    None = 0,
    Empty,
    TooLong,
    InvalidUtf8,
    MalformedPhone,
    NotTurkishNumber,
    NotInNumberingPlan,
    NotMobileNumber,
    MalformedEmail,
    PhoneOnEmailChannel,
    EmailOnPhoneChannel,
    UnknownChannel,
    MalformedKey,
}

public static class RecipientErrorText
{
    /// <summary>A sentence for humans (Explain, publisher reports). Never contains the address itself.</summary>
    public static string Describe(this RecipientError error) => error switch
    {
        RecipientError.None => "valid",
        RecipientError.Empty => "the recipient is empty",
        RecipientError.TooLong => "the recipient is longer than an address can be",
        RecipientError.InvalidUtf8 => "the recipient is not valid UTF-8",
        RecipientError.MalformedPhone => "not a phone number: expected 10 national digits, optionally with 0, 90, +90 or 0090 in front",
        RecipientError.NotTurkishNumber => "the phone number is not Turkish (+90)",
        RecipientError.NotInNumberingPlan => "the number is not in the Turkish numbering plan for this channel (mobile 5xx, geographic area codes, 850)",
        RecipientError.NotMobileNumber => "MESAJ goes to mobile numbers (5xx) only",
        RecipientError.MalformedEmail => "not an e-mail address: expected one @, a local part of at most 64 characters and a domain with a dot",
        RecipientError.PhoneOnEmailChannel => "a phone number on the EPOSTA channel",
        RecipientError.EmailOnPhoneChannel => "an e-mail address on a phone channel (MESAJ or ARAMA)",
        RecipientError.UnknownChannel => "the channel is not MESAJ, ARAMA or EPOSTA",
        RecipientError.MalformedKey => "a recipient key is 16 bytes",
        _ => "invalid recipient",
    };
}
