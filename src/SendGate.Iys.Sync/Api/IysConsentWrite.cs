using System.Text.Json;
using System.Text.Json.Serialization;

namespace SendGate.Iys.Sync.Api;

/// <summary>
/// One consent as İYS's write operations take it (addConsent, addBatchConsent): type, recipient, recipientType,
/// status, consentDate (İYS's "YYYY-MM-DD HH:mm:ss", GMT+3) and source. The recipient is an address: this record
/// goes to İYS and nowhere else.
/// </summary>
internal sealed record IysConsentWrite(string Type, string Recipient, string RecipientType, string Status, string ConsentDate, string Source)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>
    /// The <c>requestId</c> of İYS's answer to a bulk write (<c>{requestId, subRequests:[…]}</c>; the sub-requests repeat
    /// the addresses and are not read).
    /// </summary>
    public static string RequestId(byte[] body)
    {
        using var document = AnswerFields.Document(body, JsonValueKind.Object, "addBatchConsent", "to a bulk write");
        return AnswerFields.Scalar(document.RootElement, "requestId") is { Length: > 0 } id
            ? id
            : throw new IysUnexpectedAnswerException("addBatchConsent", "İYS accepted a bulk write without a requestId");
    }
}
