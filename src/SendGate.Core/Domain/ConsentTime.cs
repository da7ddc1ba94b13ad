using System.Globalization;

namespace SendGate.Core.Domain;

/// <summary>
/// A point in time at one-second resolution, stored as whole seconds since
/// <see cref="Epoch"/> (2015-01-01T00:00:00Z). 32 bits reach 2151; the packed consent state
/// keeps modification times in 31 bits, which reach 2083 (<see cref="MaxPackable"/>).
/// Zero means "none". İYS writes times as <c>YYYY-MM-DD HH:mm:ss</c> in GMT+3; the İYS
/// methods here convert from and to that form.
/// </summary>
public readonly record struct ConsentTime(uint Seconds) : IComparable<ConsentTime>
{
    public static readonly DateTimeOffset Epoch = new(2015, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>İYS's time zone: GMT+3, fixed.</summary>
    public static readonly TimeSpan IysOffset = TimeSpan.FromHours(3);

    /// <summary>No record dates from before the law came into force: 2015-05-01 00:00:00 GMT+3.</summary>
    public static readonly ConsentTime EarliestValid = FromDateTimeOffset(new DateTimeOffset(2015, 5, 1, 0, 0, 0, IysOffset));

    /// <summary>The largest time the packed consent state can hold (31 bits of seconds).</summary>
    public static readonly ConsentTime MaxPackable = new(int.MaxValue);

    public static ConsentTime None => default;

    public bool IsNone => Seconds == 0;

    /// <summary>Converts; times before the epoch or past 32 bits throw.</summary>
    public static ConsentTime FromDateTimeOffset(DateTimeOffset time)
    {
        if (!TryFromDateTimeOffset(time, out var result))
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, "The time is outside the range a ConsentTime can hold (2015-01-01 to 2151).");
        }

        return result;
    }

    public static bool TryFromDateTimeOffset(DateTimeOffset time, out ConsentTime result)
    {
        long seconds = (time.UtcTicks - Epoch.UtcTicks) / TimeSpan.TicksPerSecond;
        if (seconds <= 0 || seconds > uint.MaxValue)
        {
            result = None;
            return false;
        }

        result = new ConsentTime((uint)seconds);
        return true;
    }

    /// <summary>Unix seconds (protobuf Timestamp seconds) to a ConsentTime.</summary>
    public static bool TryFromUnixSeconds(long unixSeconds, out ConsentTime result)
    {
        long seconds = unixSeconds - Epoch.ToUnixTimeSeconds();
        if (seconds <= 0 || seconds > uint.MaxValue)
        {
            result = None;
            return false;
        }

        result = new ConsentTime((uint)seconds);
        return true;
    }

    public long ToUnixSeconds() => Epoch.ToUnixTimeSeconds() + Seconds;

    public DateTimeOffset ToDateTimeOffset() => Epoch.AddSeconds(Seconds);

    /// <summary>Parses İYS's <c>YYYY-MM-DD HH:mm:ss</c> (GMT+3), without allocating.</summary>
    public static bool TryParseIys(ReadOnlySpan<char> text, out ConsentTime result)
    {
        result = None;
        text = text.Trim();
        if (text.Length != 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        if (!TryDigits(text[..4], out int year) || !TryDigits(text.Slice(5, 2), out int month) ||
            !TryDigits(text.Slice(8, 2), out int day) || !TryDigits(text.Slice(11, 2), out int hour) ||
            !TryDigits(text.Slice(14, 2), out int minute) || !TryDigits(text.Slice(17, 2), out int second))
        {
            return false;
        }

        if (year < 2015 || year > 2150 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) ||
            hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var local = new DateTimeOffset(year, month, day, hour, minute, second, IysOffset);
        return TryFromDateTimeOffset(local, out result);
    }

    /// <summary>Formats as İYS does: <c>YYYY-MM-DD HH:mm:ss</c> in GMT+3.</summary>
    public string ToIysString() =>
        ToDateTimeOffset().ToOffset(IysOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public int CompareTo(ConsentTime other) => Seconds.CompareTo(other.Seconds);

    public static bool operator <(ConsentTime left, ConsentTime right) => left.Seconds < right.Seconds;

    public static bool operator >(ConsentTime left, ConsentTime right) => left.Seconds > right.Seconds;

    public static bool operator <=(ConsentTime left, ConsentTime right) => left.Seconds <= right.Seconds;

    public static bool operator >=(ConsentTime left, ConsentTime right) => left.Seconds >= right.Seconds;

    public override string ToString() => IsNone ? "none" : ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (char c in digits)
        {
            uint d = (uint)(c - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return true;
    }
}
