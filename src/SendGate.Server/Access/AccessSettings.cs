using SendGate.Access;

namespace SendGate.Server.Access;

/// <summary>The Access section with its mode resolved against where the gRPC port listens.</summary>
internal sealed record AccessSettings(AccessOptions Options, bool Required, string Why)
{
    /// <summary>
    /// Auto is off only when every gRPC endpoint is on loopback: then only this machine can ask,
    /// which is the embedded default's case. Required without clients is refused at start.
    /// </summary>
    public static AccessSettings Resolve(AccessOptions options, bool loopbackOnly)
    {
        var settings = options.Mode switch
        {
            AccessMode.Off => new AccessSettings(options, false, "Access:Mode is Off"),
            AccessMode.Required => new AccessSettings(options, true, "Access:Mode is Required"),
            _ when options.Clients.Count > 0 => new AccessSettings(options, true, "clients are configured (Access:Clients)"),
            _ => new AccessSettings(options, !loopbackOnly, loopbackOnly
                ? "every gRPC endpoint is on loopback and no clients are configured"
                : "a gRPC endpoint listens beyond loopback"),
        };
        if (settings.Required && options.Clients.Count == 0)
        {
            throw new InvalidOperationException(
                $"Access control is required ({settings.Why}) but no clients are configured: add Access:Clients (docs/operations.md, 'Adding a client'), " +
                "or set Access:Mode=Off to let anyone who can reach the port ask anything.");
        }

        return settings;
    }
}
