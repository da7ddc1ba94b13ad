using SendGate.Access;

namespace SendGate.Server.Access;

/// <summary>The Access section with its mode resolved against where the gRPC port listens.</summary>
internal sealed record AccessSettings(AccessOptions Options, bool Required, string Why, bool ClientCaConfigured)
{
    /// <summary>
    /// Auto is off only when every gRPC endpoint is on loopback: then only this machine can ask,
    /// which is the embedded default's case. Required without clients is refused at start.
    /// </summary>
    public static AccessSettings Resolve(AccessOptions options, bool loopbackOnly, bool clientCaConfigured = false)
    {
        var settings = options.Mode switch
        {
            AccessMode.Off => new AccessSettings(options, false, "Access:Mode is Off", clientCaConfigured),
            AccessMode.Required => new AccessSettings(options, true, "Access:Mode is Required", clientCaConfigured),
            _ when options.Clients.Count > 0 => new AccessSettings(options, true, "clients are configured (Access:Clients)", clientCaConfigured),
            _ => new AccessSettings(options, !loopbackOnly, loopbackOnly
                ? "every gRPC endpoint is on loopback and no clients are configured"
                : "a gRPC endpoint listens beyond loopback", clientCaConfigured),
        };
        if (settings.Required && options.Clients.Count == 0)
        {
            throw new InvalidOperationException(
                $"Access control is required ({settings.Why}) but no clients are configured: add Access:Clients (docs/operations.md, 'Adding a client'), " +
                "or set Access:Mode=Off to let anyone who can reach the port ask anything.");
        }

        return settings;
    }

    /// <summary>Everything that keeps a set of clients from working here, at start or on a reload.</summary>
    public List<string> Problems(AccessOptions clients)
    {
        var problems = ClientDirectory.Validate(clients);
        if (Required && clients.Clients.Count == 0)
        {
            problems.Add("Access control is on and no clients are left in Access:Clients.");
        }

        if (!ClientCaConfigured && clients.Clients.Values.Any(c => c.CertificateSubjects.Length > 0))
        {
            problems.Add("Access:Clients name CertificateSubjects but Grpc:Tls:ClientCaPath is not set: a subject identifies a client only in a certificate signed by the CA you trust for clients.");
        }

        return problems;
    }
}
