namespace SendGate.Client;

/// <summary>The address forms a gate is reached at, parsed once for every tool that takes one.</summary>
public static class GateAddress
{
    /// <summary>The scheme of a Unix-domain-socket address: <c>unix:/run/sendgate/gate.sock</c>.</summary>
    public const string UnixScheme = "unix";

    /// <summary>http://HOST:PORT (h2c), https://HOST:PORT (TLS) or unix:/PATH; otherwise <paramref name="problem"/> says what is expected.</summary>
    public static bool TryParse(string text, out Uri? address, out string problem)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out address) && address.Scheme is "http" or "https" or UnixScheme)
        {
            problem = string.Empty;
            return true;
        }

        address = null;
        problem = $"'{text}' is not a gate address: expected http://HOST:PORT, https://HOST:PORT or unix:/PATH";
        return false;
    }
}
