using SendGate.Core.Consent;

namespace SendGate.Iys;

/// <summary>
/// One line of an İYS consent file — JSON Lines, or a row of the daily change CSV when built
/// with its header — to a validated <see cref="DecodedEvent"/>, through the one
/// <see cref="FeedEventFactory"/> every source shares. Thread-safe: lines may be decoded in parallel.
/// </summary>
public sealed class IysLineDecoder(FeedEventFactory factory, IysCsvLine? csv = null)
{
    private uint _iysCode;
    private uint _brandCode;

    /// <summary>
    /// A decoder for the items of İYS's PULL (<c>consents/changes</c>): JSON objects in İYS's field names that carry no
    /// iysCode or brandCode — those are the request path's, given here. Fields the gate does not keep (a citizen's
    /// name among them) are skipped unread.
    /// </summary>
    public static IysLineDecoder ForPull(FeedEventFactory factory, uint iysCode, uint brandCode) =>
        new(factory) { _iysCode = iysCode, _brandCode = brandCode };

    public DecodedEvent Decode(ReadOnlySpan<byte> line) => csv is null ? DecodeJson(line) : DecodeCsv(line, csv);

    private DecodedEvent DecodeJson(ReadOnlySpan<byte> line)
    {
        if (!IysJsonLine.TryParse(line, factory.Hasher, _iysCode, _brandCode, out var parsed, out string parseError))
        {
            return DecodedEvent.Rejected(parseError);
        }

        return parsed.IsClosure ? factory.Create(parsed.ClosureRecipient, parsed.ClosedAt) : factory.Create(parsed.Consent);
    }

    private DecodedEvent DecodeCsv(ReadOnlySpan<byte> line, IysCsvLine format) =>
        format.TryParse(line, out var input, out string error) ? factory.Create(input) : DecodedEvent.Rejected(error);
}
