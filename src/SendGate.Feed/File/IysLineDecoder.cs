using SendGate.Core.Consent;

namespace SendGate.Feed.File;

/// <summary>A line of a consent file as the domain sees it: a validated change, a line closure, or why it was refused.</summary>
public readonly record struct DecodedLine(ConsentChange? Change, LineClosure? Closure, string? Error)
{
    public bool IsValid => Error is null;
}

/// <summary>
/// One line of an İYS consent file — JSON Lines, or a row of the daily change CSV when built
/// with its header — to a validated domain change, through the one <see cref="FeedEventFactory"/>
/// every source shares. The file feed applies what it returns; the publisher sends it to Kafka.
/// </summary>
public sealed class IysLineDecoder(FeedEventFactory factory, IysCsvLine? csv = null)
{
    public DecodedLine Decode(ReadOnlySpan<byte> line) => csv is null ? DecodeJson(line) : DecodeCsv(line, csv);

    private DecodedLine DecodeJson(ReadOnlySpan<byte> line)
    {
        if (!IysJsonLine.TryParse(line, out var parsed, out string parseError))
        {
            return new DecodedLine(null, null, parseError);
        }

        if (parsed.IsClosure)
        {
            var closureError = factory.TryCreate(parsed.ClosureRecipient, parsed.ClosedAt, out var closure);
            return closureError == FeedEventError.None ? new DecodedLine(null, closure, null) : new DecodedLine(null, null, closureError.Describe());
        }

        return FromInput(parsed.Consent);
    }

    private DecodedLine DecodeCsv(ReadOnlySpan<byte> line, IysCsvLine format) =>
        format.TryParse(line, out var input, out string error) ? FromInput(input) : new DecodedLine(null, null, error);

    private DecodedLine FromInput(in ConsentChangeInput input)
    {
        var error = factory.TryCreate(input, out var change);
        return error == FeedEventError.None ? new DecodedLine(change, null, null) : new DecodedLine(null, null, error.Describe());
    }
}
