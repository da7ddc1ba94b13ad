using System.Globalization;

namespace SendGate.Synthetic;

/// <summary>
/// The recipients of synthetic data, by index: recipient <c>i</c> of a generated consent file is
/// <see cref="National"/>(i) (as a phone) or <see cref="Email"/>(i), so benchmarks and load tests
/// can ask for recipients that a generated file holds, written the ways people write them.
/// </summary>
public static class SyntheticRecipients
{
    /// <summary>A unique mobile number per recipient index (5xx, not the 532 123 45 6x range of the examples).</summary>
    public static string National(long i) => (5_400_000_000L + (i % 1_999_999_999L)).ToString(CultureInfo.InvariantCulture);

    public static string WrittenPhone(long i, Random random)
    {
        string n = National(i);
        return random.Next(5) switch
        {
            0 => "+90" + n,
            1 => $"0{n[..3]} {n[3..6]} {n[6..8]} {n[8..]}",
            2 => $"+90 ({n[..3]}) {n[3..6]}-{n[6..8]}-{n[8..]}",
            3 => "0" + n,
            _ => n,
        };
    }

    public static string Email(long i, Random random) =>
        (random.Next(2) == 0 ? "Alici" : "alici") + i.ToString(CultureInfo.InvariantCulture) + "@ornek" + (i % 97).ToString(CultureInfo.InvariantCulture) + ".com.tr";
}
