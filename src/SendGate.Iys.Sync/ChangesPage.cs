using System.Text.Json;

namespace SendGate.Iys.Sync;

/// <summary>
/// One PULL answer, <c>{"after": "&lt;cursor&gt;", "list": [ {…}, … ]}</c>, kept as the body's bytes with the
/// range of each item: items are decoded straight from them (and a citizen's name in them is never read).
/// </summary>
internal sealed class ChangesPage
{
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

    /// <exception cref="FormatException">The body is not a PULL answer; the message says what is wrong, never an item's content.</exception>
    public static ChangesPage Parse(byte[] body)
    {
        string? after = null;
        var items = new List<Range>();
        bool sawList = false;
        var reader = new Utf8JsonReader(body);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("İYS's PULL answer is not a JSON object");
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
                        throw new FormatException("İYS's PULL answer has a 'list' that is not an array");
                    }

                    sawList = true;
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        int start = checked((int)reader.TokenStartIndex);
                        reader.Skip();
                        items.Add(start..checked((int)reader.BytesConsumed));
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
            throw new FormatException("İYS's PULL answer is not well-formed JSON");
        }
        catch (InvalidOperationException)
        {
            throw new FormatException("İYS's PULL answer has an 'after' that is not a string");
        }

        if (!sawList)
        {
            throw new FormatException("İYS's PULL answer has no 'list'");
        }

        if (items.Count > 0 && string.IsNullOrEmpty(after))
        {
            throw new FormatException("İYS's PULL answer has items but no 'after' cursor to continue from");
        }

        return new ChangesPage(body, after, items);
    }
}
