using System.Collections.Frozen;
using SendGate.Core.Domain;

namespace SendGate.Access;

/// <summary>
/// A known client: its grants and its limits. Grants are sets of (iysCode, brand, channel) and of
/// (iysCode, channel) for "every brand of this provider", so a check is two set lookups.
/// </summary>
public sealed class GateClient
{
    private readonly FrozenSet<(uint IysCode, uint Brand, Channel Channel)> _brands;
    private readonly FrozenSet<(uint IysCode, Channel Channel)> _providers;
    private readonly bool _everything;
    private readonly FrozenSet<uint> _retailers;

    private GateClient(string name, bool everything, FrozenSet<(uint, uint, Channel)> brands, FrozenSet<(uint, Channel)> providers,
        bool mayExplain, int? maxBatch, IRateBudget? recipients, IRateBudget? explains, FrozenSet<uint>? retailers = null)
    {
        _retailers = retailers ?? FrozenSet<uint>.Empty;
        Name = name;
        _everything = everything;
        _brands = brands;
        _providers = providers;
        MayExplain = mayExplain;
        MaxBatch = maxBatch;
        Recipients = recipients;
        Explains = explains;
    }

    /// <summary>Everyone, when access control is off: every grant, no limits beyond the gate's own.</summary>
    public static GateClient Anonymous { get; } = new("anonymous", true, FrozenSet<(uint, uint, Channel)>.Empty, FrozenSet<(uint, Channel)>.Empty, true, null, null, null);

    public string Name { get; }

    public bool MayExplain { get; }

    /// <summary>Whether the client may ask on behalf of <paramref name="retailer"/> (0: the brand itself): any, unless its grant names retailers.</summary>
    public bool MayActFor(uint retailer) => _retailers.Count == 0 || _retailers.Contains(retailer);

    /// <summary>Recipients per request for this client; null: the gate's Limits:MaxBatch.</summary>
    public int? MaxBatch { get; }

    /// <summary>Recipients per second; null: unlimited.</summary>
    public IRateBudget? Recipients { get; }

    /// <summary>Explain calls; null: unlimited.</summary>
    public IRateBudget? Explains { get; }

    /// <summary>The client as configured; its budgets from <paramref name="budgets"/> (default: a token bucket of this gate's own).</summary>
    public static GateClient Create(string name, ClientOptions options, TimeProvider clock, BudgetFactory? budgets = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        budgets ??= (_, _, capacity, rate) => new TokenBucket(capacity, rate, clock);
        var brands = new HashSet<(uint, uint, Channel)>();
        var providers = new HashSet<(uint, Channel)>();
        foreach (var grant in options.Grants)
        {
            foreach (var channel in grant.Channels)
            {
                if (grant.Brands.Length == 0)
                {
                    providers.Add((grant.IysCode, channel));
                }

                foreach (uint brand in grant.Brands)
                {
                    brands.Add((grant.IysCode, brand, channel));
                }
            }
        }

        var recipients = budgets(name, "recipients", options.Burst ?? options.RecipientsPerSecond, options.RecipientsPerSecond);
        var explains = budgets(name, "explains", options.ExplainPerMinute, options.ExplainPerMinute / 60.0);
        return new GateClient(name, false, brands.ToFrozenSet(), providers.ToFrozenSet(), options.Explain, options.MaxBatch, recipients, explains, options.Retailers.ToFrozenSet());
    }

    /// <summary>
    /// Whether a Check of <paramref name="recipients"/> for (iysCode, brand, channel) may proceed:
    /// grant first (so a refusal says nothing about limits), then the batch cap, then the rate.
    /// </summary>
    public Admission AdmitCheck(uint iysCode, uint brand, Channel channel, int recipients, int gateMaxBatch)
    {
        if (!IsGranted(iysCode, brand, channel))
        {
            return new Admission(Refusal.NotGranted);
        }

        int cap = Math.Min(MaxBatch ?? gateMaxBatch, gateMaxBatch);
        if (recipients > cap)
        {
            return new Admission(Refusal.BatchTooLarge, Limit: cap);
        }

        return Recipients is null || Recipients.TryTake(recipients, out var wait)
            ? Admission.Admitted
            : new Admission(Refusal.RateLimited, wait, (long)Recipients.RatePerSecond);
    }

    /// <summary>Whether an Explain for (iysCode, brand, channel) may proceed: the Explain permission, the grant, the Explain budget.</summary>
    public Admission AdmitExplain(uint iysCode, uint brand, Channel channel)
    {
        if (!MayExplain || !IsGranted(iysCode, brand, channel))
        {
            return new Admission(Refusal.NotGranted);
        }

        return Explains is null || Explains.TryTake(1, out var wait)
            ? Admission.Admitted
            : new Admission(Refusal.RateLimited, wait, Explains.Capacity);
    }

    /// <summary>Whether the client may ask about (iysCode, brand, channel).</summary>
    public bool IsGranted(uint iysCode, uint brand, Channel channel) =>
        _everything || _providers.Contains((iysCode, channel)) || _brands.Contains((iysCode, brand, channel));
}
