using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SendGate.Core.Domain;

namespace SendGate.Access;

/// <summary>
/// The configured clients, found by API key or by client-certificate subject. Keys are compared
/// as SHA-256 digests in constant time against every configured digest, so neither the time taken
/// nor the order of clients says how close a guess was.
/// </summary>
public sealed class ClientDirectory
{
    private readonly (byte[] Hash, GateClient Client)[] _keys;
    private readonly Dictionary<string, GateClient> _subjects;

    public ClientDirectory(AccessOptions options, TimeProvider clock, BudgetFactory? budgets = null)
    {
        var errors = Validate(options);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Access configuration: " + string.Join(" ", errors));
        }

        var keys = new List<(byte[], GateClient)>();
        _subjects = new Dictionary<string, GateClient>(StringComparer.Ordinal);
        var clients = new List<GateClient>();
        foreach (var (name, client) in options.Clients.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var gateClient = GateClient.Create(name, client, clock, budgets);
            clients.Add(gateClient);
            keys.AddRange(client.KeyHashes.Select(hash => (Convert.FromHexString(hash), gateClient)));
            foreach (string subject in client.CertificateSubjects)
            {
                _subjects.Add(NormalizeSubject(subject), gateClient);
            }
        }

        _keys = [.. keys];
        Clients = clients;
    }

    public IReadOnlyList<GateClient> Clients { get; }

    public bool HasCertificateClients => _subjects.Count > 0;

    /// <summary>The client holding <paramref name="key"/>, or null.</summary>
    public GateClient? FindByKey(ReadOnlySpan<char> key)
    {
        Span<byte> hash = stackalloc byte[32];
        ApiKeys.Hash(key, hash);
        GateClient? found = null;
        foreach (var (candidate, client) in _keys)
        {
            // No early exit: every configured digest is compared.
            bool match = CryptographicOperations.FixedTimeEquals(candidate, hash);
            found = match ? client : found;
        }

        return found;
    }

    /// <summary>The client a (chain-validated) certificate identifies by its subject, or null.</summary>
    public GateClient? FindBySubject(X500DistinguishedName subject) =>
        _subjects.GetValueOrDefault(subject.Name);

    /// <summary>Everything wrong with the configuration, each as a sentence naming the setting.</summary>
    public static List<string> Validate(AccessOptions options)
    {
        var errors = new List<string>();
        var seenKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, client) in options.Clients)
        {
            string at = $"Access:Clients:{name}";
            if (client.KeyHashes.Length == 0 && client.CertificateSubjects.Length == 0)
            {
                errors.Add($"{at} has neither KeyHashes nor CertificateSubjects: it could never authenticate.");
            }

            foreach (string hash in client.KeyHashes)
            {
                if (hash.Length != 64 || !hash.All(Uri.IsHexDigit))
                {
                    errors.Add($"{at}:KeyHashes has '{Shorten(hash)}', which is not a SHA-256 in hex (64 characters): configure the output of 'sendgate client-key', never the key itself.");
                }
                else if (!seenKeys.Add(hash))
                {
                    errors.Add($"{at}:KeyHashes repeats a key hash configured for another client: a key identifies one client.");
                }
            }

            foreach (string subject in client.CertificateSubjects)
            {
                try
                {
                    _ = NormalizeSubject(subject);
                }
                catch (CryptographicException)
                {
                    errors.Add($"{at}:CertificateSubjects has '{subject}', which is not a distinguished name (e.g. CN=acme-sms, O=Acme).");
                }
            }

            if (client.Grants.Length == 0)
            {
                errors.Add($"{at} has no Grants: it could authenticate but ask nothing.");
            }

            for (int i = 0; i < client.Grants.Length; i++)
            {
                var grant = client.Grants[i];
                if (grant.IysCode == 0)
                {
                    errors.Add($"{at}:Grants:{i}:IysCode is required.");
                }

                if (grant.Channels.Length == 0 || grant.Channels.Any(c => !c.IsDefined()))
                {
                    errors.Add($"{at}:Grants:{i}:Channels needs one or more of MESAJ, ARAMA, EPOSTA.");
                }
            }

            if (client.RecipientsPerSecond < 1 || client.Burst < 1 || client.ExplainPerMinute < 1 || client.MaxBatch < 1)
            {
                errors.Add($"{at}: RecipientsPerSecond, Burst, ExplainPerMinute and MaxBatch are at least 1 (to refuse a client everything, remove it).");
            }

            if (client.Burst is { } burst && client.MaxBatch is { } batch && burst < batch)
            {
                errors.Add($"{at}:Burst ({burst}) is below its MaxBatch ({batch}): a full batch could never pass.");
            }
        }

        return errors;
    }

    private static string NormalizeSubject(string subject) => new X500DistinguishedName(subject).Name;

    private static string Shorten(string value) => value.Length <= 8 ? value : value[..8] + "…";
}
