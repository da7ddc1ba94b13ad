using System.Globalization;
using SendGate.Core.Domain;

namespace SendGate.Iys.Sync;

/// <summary>
/// What the connector received from PULL, counted per İYS day (GMT+3, by the change's creationDate) and per
/// "TYPE RECIPIENTTYPE STATUS" (e.g. <c>MESAJ BIREYSEL ONAY</c>) — the figures İYS's daily summary (changeSummary)
/// gives per type and source group, so that reconciliation can set one beside the other. Counts only: no recipient,
/// no transaction id. Every item of a page is counted, the ones the gate cannot use (dead-lettered) too: İYS counts
/// them. The last <see cref="DaysKept"/> days are kept (PULL's reach and a day's margin).
/// </summary>
public static class DayCounts
{
    public const int DaysKept = 9;

    /// <summary>The key of one count.</summary>
    public static string Key(string type, string recipientType, string status) => $"{type} {recipientType} {status}";

    /// <summary>A key's parts, as <see cref="Key"/> joined them.</summary>
    public static (string Type, string RecipientType, string Status) Parts(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        string[] parts = key.Split(' ');
        return (parts[0], parts[1], parts[2]);
    }

    /// <summary><paramref name="days"/> with the items of <paramref name="items"/> added, older days dropped.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Add(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>? days, IEnumerable<ReadOnlyMemory<byte>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var counts = (days ?? new Dictionary<string, IReadOnlyDictionary<string, long>>()).ToDictionary(day => day.Key, day => new Dictionary<string, long>(day.Value), StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (TryRead(item.Span, out string day, out string key))
            {
                if (!counts.TryGetValue(day, out var ofDay))
                {
                    counts[day] = ofDay = new Dictionary<string, long>(StringComparer.Ordinal);
                }

                ofDay[key] = ofDay.GetValueOrDefault(key) + 1;
            }
        }

        // ISO dates sort as days do: keep the newest few.
        return counts.OrderByDescending(day => day.Key, StringComparer.Ordinal).Take(DaysKept)
            .ToDictionary(day => day.Key, day => (IReadOnlyDictionary<string, long>)day.Value, StringComparer.Ordinal);
    }

    /// <summary>The counts of one day (empty when none were received that day).</summary>
    public static IReadOnlyDictionary<string, long> Of(SyncCursor cursor, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        return cursor.Days?.GetValueOrDefault(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) ?? new Dictionary<string, long>();
    }

    // The four fields the count needs, read whatever else the item holds (a citizen's name, an address, is skipped unread).
    private static bool TryRead(ReadOnlySpan<byte> item, out string day, out string key)
    {
        day = key = string.Empty;
        if (ItemFields.Read(item, "creationDate", "type", "recipientType", "status") is not { } fields
            || !fields.TryGetValue("type", out string? type) || !fields.TryGetValue("status", out string? status)
            || !ConsentTime.TryParseIys(fields.GetValueOrDefault("creationDate"), out var time))
        {
            return false;
        }

        day = time.ToDateTimeOffset().ToOffset(ConsentTime.IysOffset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        key = Key(type, fields.GetValueOrDefault("recipientType") ?? "BIREYSEL", status);
        return true;
    }
}
