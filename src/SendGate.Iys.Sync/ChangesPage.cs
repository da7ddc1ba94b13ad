using System.Text.Json;
using SendGate.Iys.Sync.Api;

namespace SendGate.Iys.Sync;

/// <summary>
/// One PULL answer (operation PullPerBrandCode), <c>{"after": "&lt;cursor&gt;", "list": [ {…}, … ]}</c>, kept as the
/// body's bytes with the range of each item: items are decoded straight from them (and a citizen's name in them is
/// never read). İYS answers 204 with no body when there is nothing to list: <see cref="Empty"/>.
/// </summary>
internal sealed class ChangesPage
{
    public const string Operation = "PullPerBrandCode";

    /// <summary>No changes (İYS's 204); the cursor stays where it was.</summary>
    public static readonly ChangesPage Empty = new([], null, []);

    private ChangesPage(byte[] body, string? after, List<Range> items)
    {
        Body = body;
        After = after;
        Items = items;
    }

    public byte[] Body { get; }

    /// <summary>The cursor to ask from next; null when İYS gave none (an empty first page).</summary>
    public string? After { get; }

    public IReadOnlyList<Range> Items { get; }

    public int Count => Items.Count;

    public ReadOnlySpan<byte> Item(int index) => Body.AsSpan()[Items[index]];

    /// <exception cref="IysUnexpectedAnswerException">The body is not a PULL answer; the message says what is wrong, never an item's content.</exception>
    public static ChangesPage Parse(byte[] body) => Parse(body, "İYS's PULL answer", needsAfter: true);

    /// <summary>
    /// The body of İYS's push of citizens' changes, <c>{"list":[ {…}, … ]}</c>: the same items as PULL's (plus iysCode and
    /// brandCode), without a cursor.
    /// </summary>
    /// <exception cref="IysUnexpectedAnswerException">The body is not İYS's push; the message says what is wrong, never an item's content.</exception>
    public static ChangesPage ParsePush(byte[] body) => Parse(body, "the pushed body", needsAfter: false);

    private static ChangesPage Parse(byte[] body, string what, bool needsAfter)
    {
        string? after = null;
        var items = new List<Range>();
        bool sawList = false;
        var reader = new Utf8JsonReader(body);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Unexpected($"{what} is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("after"u8))
                {
                    reader.Read();
                    after = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                }
                else if (reader.ValueTextEquals("list"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw Unexpected($"{what} has a 'list' that is not an array");
                    }

                    sawList = true;
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        int start = checked((int)reader.TokenStartIndex);
                        reader.Skip();
                        items.Add(start..checked((int)reader.BytesConsumed));
                    }

                    if (reader.TokenType != JsonTokenType.EndArray)
                    {
                        throw Unexpected($"{what} has an item in 'list' that is not a JSON object");
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            throw Unexpected($"{what} is not well-formed JSON");
        }
        catch (InvalidOperationException)
        {
            throw Unexpected($"{what} has an 'after' that is not a string");
        }

        if (!sawList)
        {
            throw Unexpected($"{what} has no 'list'");
        }

        if (needsAfter && items.Count > 0 && string.IsNullOrEmpty(after))
        {
            throw Unexpected($"{what} has items but no 'after' cursor to continue from");
        }

        return new ChangesPage(body, after, items);
    }

    private static IysUnexpectedAnswerException Unexpected(string what) => new(Operation, what);
}
