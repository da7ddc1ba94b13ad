namespace SendGate.Core.Consent;

/// <summary>Why a feed event cannot be applied. Such events go to the dead-letter topic with <see cref="FeedEventErrorText.Describe"/>.</summary>
public enum FeedEventError : byte
{
    None = 0,
    Undecodable,
    Empty,
    MissingIysCode,
    MissingBrandCode,
    UnknownChannel,
    UnknownRecipientType,
    UnknownStatus,
    MissingRecipient,
    BothAddressAndKey,
    InvalidRecipient,
    MalformedRecipientKey,
    KeyIdMismatch,
    MissingConsentDate,
    MissingModificationTime,
    TimeBeforeLaw,
    TimeInFuture,
    MissingClosedAt,
    KeyDoesNotMatchPayload,
    MalformedRetailer,
}

public static class FeedEventErrorText
{
    public static string Describe(this FeedEventError error) => error switch
    {
        FeedEventError.None => "valid",
        FeedEventError.Undecodable => "the payload is not a sendgate.v1.FeedEvent",
        FeedEventError.Empty => "the event carries neither consent_changed nor line_closed",
        FeedEventError.MissingIysCode => "iys_code is missing",
        FeedEventError.MissingBrandCode => "brand_code is missing",
        FeedEventError.UnknownChannel => "channel is not MESAJ, ARAMA or EPOSTA",
        FeedEventError.UnknownRecipientType => "recipient_type is not BIREYSEL or TACIR",
        FeedEventError.UnknownStatus => "status is not ONAY or RET",
        FeedEventError.MissingRecipient => "the recipient is missing",
        FeedEventError.BothAddressAndKey => "the event carries both an address and a recipient key",
        FeedEventError.InvalidRecipient => "the recipient address is not valid for the channel",
        FeedEventError.MalformedRecipientKey => "recipient_key is not 16 bytes",
        FeedEventError.KeyIdMismatch => "the recipient key was made with another hashing key (key_id differs)",
        FeedEventError.MissingConsentDate => "consent_date is missing or out of range (only a TACIR record may lack it)",
        FeedEventError.MissingModificationTime => "modified_at is missing or out of range",
        FeedEventError.TimeBeforeLaw => "a time is before 2015-05-01 00:00:00 GMT+3, when the law came into force",
        FeedEventError.TimeInFuture => "a time is in the future beyond the allowed clock skew",
        FeedEventError.MissingClosedAt => "closed_at is missing or out of range",
        FeedEventError.KeyDoesNotMatchPayload => "the message key does not match the event's consent key",
        FeedEventError.MalformedRetailer => "retailer_code or retailer_access is not a positive integer (İYS's retailer codes are integers)",
        _ => "invalid event",
    };
}
