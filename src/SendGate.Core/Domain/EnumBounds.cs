using System.Globalization;

namespace SendGate.Core.Domain;

/// <summary>
/// The highest value an enum defines, read from the enum itself once: a wire value above it is not one of ours (a
/// newer peer's), and a bound written as a literal would silently miss a member added later.
/// </summary>
public static class EnumBounds<TEnum>
    where TEnum : struct, Enum
{
    public static readonly ulong Highest = Enum.GetValues<TEnum>().Max(value => Convert.ToUInt64(value, CultureInfo.InvariantCulture));
}
