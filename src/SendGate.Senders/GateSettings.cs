using SendGate.Client;

namespace SendGate.Senders;

/// <summary>
/// How an adapter reaches its gate (<c>&lt;Adapter&gt;:Gate</c>): like any other client, over gRPC with its own API key,
/// asking in batches of questions gathered for at most <see cref="MaxWait"/>.
/// </summary>
public sealed class GateSettings
{
    /// <summary>http://HOST:PORT (h2c), https://HOST:PORT (TLS) or unix:/PATH.</summary>
    public string Address { get; set; } = "http://127.0.0.1:50051";

    /// <summary>The adapter's API key (sgk_…); null for a gate without access control. Prefer the environment (…__Gate__ApiKey).</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Deadline of one Check. A caller waiting on an adapter has its own timeout (Postfix's smtpd_policy_service_timeout,
    /// an HTTP client's): the adapter must answer "try later" before it runs out, never fall silent.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the first question of a batch waits for others before the batch is sent.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>A batch is sent at once when it holds this many recipients (at most the client's batch cap at the gate).</summary>
    public int MaxBatch { get; set; } = 1000;

    public IEnumerable<string> Problems(string path)
    {
        if (!GateAddress.TryParse(Address, out _, out string problem))
        {
            yield return $"{path}:Address: {problem}.";
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return $"{path}:Timeout must be positive.";
        }

        if (MaxWait < TimeSpan.Zero || MaxWait > TimeSpan.FromSeconds(1))
        {
            yield return $"{path}:MaxWait must be between 0 and 1 s (it delays every answer).";
        }

        if (MaxBatch is < 1 or > 100_000)
        {
            yield return $"{path}:MaxBatch must be between 1 and 100000.";
        }
    }

    public GateClientOptions ClientOptions() => new()
    {
        Address = GateAddress.TryParse(Address, out var address, out _) ? address! : throw new InvalidOperationException("Gate:Address was not validated."),
        ApiKey = string.IsNullOrEmpty(ApiKey) ? null : ApiKey,
        // One attempt: a batch that fails is answered "try later" at once; the MTA or gateway retries, not us.
        MaxAttempts = 1,
    };
}
