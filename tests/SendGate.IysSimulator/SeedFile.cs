using System.Globalization;
using System.Text.Json;

namespace SendGate.IysSimulator;

/// <summary>
/// Loads an İYS JSON Lines consent file (the format <c>sendgate publish</c> reads) into the registry as changes İYS
/// already holds, at their own creationDate. Line closures are not İYS's (operators report them) and are skipped.
/// </summary>
public static class SeedFile
{
    /// <summary>Seeds every consent line at its own times.</summary>
    public static int Load(IysRegistry registry, string path) => Load(registry, path, time => time);

    /// <summary>
    /// Seeds every consent line with its times moved, in order, into the window PULL shows: the oldest change 6 days
    /// ago, the newest <paramref name="newestAge"/> ago (an old sample file, e.g. the gate's, for trying the connector by hand).
    /// </summary>
    public static int LoadRecent(IysRegistry registry, string path, TimeSpan newestAge, DateTimeOffset now)
    {
        var times = File.ReadLines(path)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => JsonDocument.Parse(line).RootElement.TryGetProperty("creationDate", out var value) && SimulatedChange.TryParseIysTime(value.GetString(), out var time) ? time : (DateTimeOffset?)null)
            .OfType<DateTimeOffset>()
            .ToList();
        if (times.Count == 0)
        {
            return 0;
        }

        DateTimeOffset oldest = times.Min(), newest = times.Max(), start = now - TimeSpan.FromDays(6), end = now - newestAge;
        double scale = newest == oldest ? 0 : (end - start).Ticks / (double)(newest - oldest).Ticks;
        return Load(registry, path, time => start + TimeSpan.FromTicks((long)((time - oldest).Ticks * scale)));
    }

    private static int Load(IysRegistry registry, string path, Func<DateTimeOffset, DateTimeOffset> map)
    {
        int seeded = 0;
        foreach (string line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.TryGetProperty("lineClosedDate", out _) || !root.TryGetProperty("brandCode", out var brand))
            {
                continue;
            }

            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            string? Mapped(string name) => SimulatedChange.TryParseIysTime(Text(name), out var time) ? SimulatedChange.IysTime(map(time)) : Text(name);
            uint brandCode = brand.ValueKind == JsonValueKind.Number ? brand.GetUInt32() : uint.Parse(brand.GetString()!, CultureInfo.InvariantCulture);
            registry.AddBrand(brandCode);
            if (!SimulatedChange.TryParseIysTime(Text("creationDate"), out var createdAt))
            {
                throw new FormatException($"{path}: a consent without creationDate (YYYY-MM-DD HH:mm:ss) cannot be seeded");
            }

            var consent = new ConsentWrite(Text("type"), Text("recipient"), Text("recipientType"), Text("status"), Mapped("consentDate"), Text("source"));
            registry.Seed(brandCode, consent, map(createdAt), transactionId: Text("transactionId"));
            seeded++;
        }

        return seeded;
    }
}
