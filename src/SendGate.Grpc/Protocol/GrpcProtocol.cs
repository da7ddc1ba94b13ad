using System.Globalization;
using System.Text;

namespace SendGate.Grpc.Protocol;

/// <summary>Names and encodings of gRPC over HTTP/2 (grpc/doc/PROTOCOL-HTTP2.md).</summary>
public static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string IdentityEncoding = "identity";
    public const string BinaryHeaderSuffix = "-bin";

    /// <summary>The compressed-flag byte and the 4-byte big-endian length before every message.</summary>
    public const int FrameHeaderSize = 5;

    /// <summary>
    /// One whole uncompressed length-prefixed message: the body of a unary request, for tools
    /// that replay bodies (h2load, in-process benchmarks). Calls frame through the client.
    /// </summary>
    public static byte[] Frame(ReadOnlySpan<byte> message)
    {
        byte[] frame = new byte[FrameHeaderSize + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame.AsSpan(FrameHeaderSize));
        return frame;
    }

    /// <summary>CancelAfter takes at most uint.MaxValue-1 milliseconds (~49.7 days); deadlines are clamped well inside it.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(24);

    /// <summary>application/grpc, application/grpc+proto, application/grpc+anything; parameters allowed.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return contentType.Length == ContentType.Length || contentType[ContentType.Length] is '+' or ';';
    }

    /// <summary>Parses grpc-timeout: 1–8 ASCII digits and a unit (H, M, S, m, u, n). Clamped to <see cref="MaxTimeout"/>.</summary>
    public static bool TryParseTimeout(ReadOnlySpan<char> value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.Length < 2 || value.Length > 9)
        {
            return false;
        }

        long amount = 0;
        foreach (char c in value[..^1])
        {
            uint digit = (uint)(c - '0');
            if (digit > 9)
            {
                return false;
            }

            amount = (amount * 10) + digit;
        }

        double ticks = value[^1] switch
        {
            'H' => amount * (double)TimeSpan.TicksPerHour,
            'M' => amount * (double)TimeSpan.TicksPerMinute,
            'S' => amount * (double)TimeSpan.TicksPerSecond,
            'm' => amount * (double)TimeSpan.TicksPerMillisecond,
            'u' => amount * (double)TimeSpan.TicksPerMicrosecond,
            'n' => amount / 100.0,
            _ => -1,
        };
        if (ticks < 0)
        {
            return false;
        }

        timeout = ticks >= MaxTimeout.Ticks ? MaxTimeout : TimeSpan.FromTicks((long)Math.Ceiling(ticks));
        return true;
    }

    /// <summary>Formats a timeout in the finest unit that fits 8 digits (rounding up, so a deadline is never shortened).</summary>
    public static string FormatTimeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return "1n";
        }

        long ticks = timeout.Ticks;
        (long Divisor, char Unit)[] units =
        [
            (TimeSpan.TicksPerMicrosecond, 'u'),
            (TimeSpan.TicksPerMillisecond, 'm'),
            (TimeSpan.TicksPerSecond, 'S'),
            (TimeSpan.TicksPerMinute, 'M'),
            (TimeSpan.TicksPerHour, 'H'),
        ];
        foreach (var (divisor, unit) in units)
        {
            long value = (ticks + divisor - 1) / divisor;
            if (value <= 99_999_999)
            {
                return value.ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return "99999999H";
    }

    /// <summary>Percent-encodes a status message: UTF-8, with bytes outside 0x20–0x7E and '%' as %XX.</summary>
    public static string PercentEncode(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        bool plain = true;
        foreach (char c in message)
        {
            if (c is < ' ' or > '~' or '%')
            {
                plain = false;
                break;
            }
        }

        if (plain)
        {
            return message;
        }

        var builder = new StringBuilder(message.Length * 2);
        foreach (byte b in Encoding.UTF8.GetBytes(message))
        {
            if (b is < 0x20 or > 0x7E or (byte)'%')
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append((char)b);
            }
        }

        return builder.ToString();
    }

    /// <summary>Decodes a percent-encoded status message; malformed escapes are kept as they are, never an error.</summary>
    public static string PercentDecode(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded) || !encoded.Contains('%', StringComparison.Ordinal))
        {
            return encoded ?? string.Empty;
        }

        var bytes = new List<byte>(encoded.Length);
        int plainStart = 0;
        for (int i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == '%' && i + 2 < encoded.Length &&
                byte.TryParse(encoded.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(encoded[plainStart..i]));
                bytes.Add(b);
                i += 2;
                plainStart = i + 1;
            }
        }

        bytes.AddRange(Encoding.UTF8.GetBytes(encoded[plainStart..]));
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
