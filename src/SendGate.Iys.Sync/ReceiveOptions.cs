namespace SendGate.Iys.Sync;

/// <summary>
/// Iys:Receive — the endpoint İYS posts citizens' changes to (its push, "İzin Hareketi İletimi"). İYS requires https
/// and basic authentication: <c>Listen=https://0.0.0.0:8443</c> with Kestrel's certificate settings
/// (<c>Kestrel__Certificates__Default__Path</c>, <c>…__Password</c>); <c>http://127.0.0.1:PORT</c> is accepted for tests
/// and for a TLS-terminating proxy on the same host. The password is a secret (give it as Iys__Receive__Password).
/// </summary>
public sealed class ReceiveOptions
{
    /// <summary>The Kestrel URL to listen on; null: no receiver.</summary>
    public string? Listen { get; set; }

    /// <summary>The path İYS posts to; the URL registered with İYS is the listener's address plus this path.</summary>
    public string Path { get; set; } = "/iys/changes";

    /// <summary>The basic-authentication user İYS presents (the one registered with İYS).</summary>
    public string? Username { get; set; }

    /// <summary>The basic-authentication password İYS presents.</summary>
    public string? Password { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(Listen);

    /// <summary>Sentences for what is missing or wrong; empty when the receiver can run (or is off).</summary>
    public IEnumerable<string> Problems()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!Uri.TryCreate(Listen, UriKind.Absolute, out var listen) || listen.Scheme is not ("https" or "http"))
        {
            yield return "Iys:Receive:Listen must be a URL to listen on, e.g. https://0.0.0.0:8443 (İYS posts only to https).";
        }
        else if (listen.Scheme == "http" && !listen.IsLoopback)
        {
            yield return "Iys:Receive:Listen: plain http is allowed on loopback only (tests, or a TLS proxy on this host); İYS posts only to https.";
        }

        if (string.IsNullOrEmpty(Username) || string.IsNullOrEmpty(Password))
        {
            yield return "Iys:Receive:Username and Iys:Receive:Password are required: İYS authenticates with them (basic authentication), and anything without them is refused.";
        }

        if (!Path.StartsWith('/'))
        {
            yield return "Iys:Receive:Path must start with '/'.";
        }
    }
}
