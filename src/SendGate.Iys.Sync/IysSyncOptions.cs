using System.Globalization;

namespace SendGate.Iys.Sync;

/// <summary>
/// Iys — where İYS is, the account, and which brands and sources to pull. Set in appsettings or the environment
/// (<c>Iys__Password</c>, <c>Iys__Brands__0=123457</c>); the password is never logged.
/// </summary>
public sealed class IysSyncOptions
{
    public const string SectionName = "Iys";

    /// <summary>İYS's API root, e.g. https://api.iys.org.tr/ (the simulator's in tests).</summary>
    public Uri? BaseUrl { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The provider's İYS code (the path's <c>{iysCode}</c>); with <see cref="IntegratorCode"/>, each brand's comes from İYS.</summary>
    public uint IysCode { get; set; }

    /// <summary>The brand codes to pull; with <see cref="IntegratorCode"/>, they narrow the brands İYS lists (empty: all of them).</summary>
    public uint[] Brands { get; set; } = [];

    /// <summary>
    /// An integration partner's (iş ortağı) İYS code: the brands to pull are those İYS lists as authorized for it with a
    /// right to read (operation integratorList), asked again every <see cref="DiscoveryInterval"/>. 0: brands are configured.
    /// </summary>
    public uint IntegratorCode { get; set; }

    /// <summary>How often the authorized brands are asked again when <see cref="IntegratorCode"/> is set.</summary>
    public TimeSpan DiscoveryInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Token requests (logins and refreshes) allowed in any hour. İYS allows 10 an hour per address and answers more with
    /// H084, restarting its hour; the connector stays within this budget, counted across runs in the token cache.
    /// </summary>
    public int TokenRequestsPerHour { get; set; } = 10;

    /// <summary>PULL sources: <c>HS</c> (the provider's own changes) and <c>IYS</c> (citizens' changes in İYS). Default both.</summary>
    public string[]? Sources { get; set; }

    public IReadOnlyList<string> EffectiveSources => Sources is { Length: > 0 } sources ? sources : ["HS", "IYS"];

    /// <summary>How long the worker waits between rounds once every brand and source is caught up.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The directory holding one cursor file per brand and source.</summary>
    public string CursorPath { get; set; } = "iys-cursors";

    /// <summary>Items per PULL page (İYS's maximum is 1,000; its clients use 999).</summary>
    public int PageSize { get; set; } = 999;

    /// <summary>How long one request to İYS may take before it counts as failed and is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of one request (429/H124, 5xx, timeouts) before the round gives up on that brand and source.</summary>
    public int MaxRetries { get; set; } = 8;

    /// <summary>The first wait after a failure; it doubles, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A cursor not brought up to date for this long is warned about: PULL keeps 7 days, and a gap past that is lost to it.</summary>
    public TimeSpan CursorWarningAge { get; set; } = TimeSpan.FromDays(6);

    /// <summary>The consumer group the push commits its place in the opt-out topic under.</summary>
    public string PushGroup { get; set; } = "sendgate-iys-push";

    /// <summary>Refusals per bulk write.</summary>
    public int PushBatch { get; set; } = 500;

    /// <summary>
    /// How long after a bulk write İYS is first asked about it. İYS's document: at least 300 s (earlier answers may be
    /// empty or partial).
    /// </summary>
    public TimeSpan PushFirstAsk { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>How often İYS is asked again about a bulk write it has not fully answered (items still <c>enqueue</c>).</summary>
    public TimeSpan PushPollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long <c>sendgate iys push</c> waits for İYS's answers before it exits (the worker never waits: it asks each round).</summary>
    public TimeSpan PushWait { get; set; } = TimeSpan.FromMinutes(7);

    /// <summary>The receiver of İYS's push of citizens' changes (off unless <see cref="ReceiveOptions.Listen"/> is set).</summary>
    public ReceiveOptions Receive { get; set; } = new();

    /// <summary>The worker's admin endpoint (/metrics, /healthz, /readyz).</summary>
    public string AdminUrl { get; set; } = "http://127.0.0.1:9465";

    /// <summary>Sentences naming every setting that is missing or wrong; empty when the options can run. A push needs no brands (it uploads what gates recorded).</summary>
    public IReadOnlyList<string> Problems(bool needsBrands = true)
    {
        var problems = new List<string>();
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri)
        {
            problems.Add("Iys:BaseUrl is required: İYS's API root as an absolute URL (e.g. https://api.iys.org.tr/).");
        }

        if (string.IsNullOrEmpty(Username) || string.IsNullOrEmpty(Password))
        {
            problems.Add("Iys:Username and Iys:Password are required (İYS's API account; give the password as Iys__Password in the environment).");
        }

        if (IysCode == 0 && IntegratorCode == 0)
        {
            problems.Add("Iys:IysCode is required: the provider's İYS code (or Iys:IntegratorCode, for a partner whose brands İYS lists).");
        }

        if (needsBrands && Brands.Length == 0 && IntegratorCode == 0)
        {
            problems.Add("Iys:Brands needs at least one brand code (Iys__Brands__0=123457), unless Iys:IntegratorCode lists them.");
        }

        if (TokenRequestsPerHour < 1)
        {
            problems.Add("Iys:TokenRequestsPerHour must be at least 1 (İYS allows 10 an hour).");
        }

        problems.AddRange(Receive.Problems());

        foreach (string source in EffectiveSources.Where(source => source is not ("HS" or "IYS")))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"Iys:Sources: '{source}' is not HS or IYS."));
        }

        if (PushBatch is < 1 or > 1000)
        {
            problems.Add("Iys:PushBatch must be between 1 and 1000.");
        }

        if (PageSize is < 1 or > 1000)
        {
            problems.Add("Iys:PageSize must be between 1 and 1000 (İYS's maximum).");
        }

        if (PollInterval <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero || PushPollInterval <= TimeSpan.Zero || DiscoveryInterval <= TimeSpan.Zero)
        {
            problems.Add("Iys:PollInterval, Iys:RequestTimeout, Iys:PushPollInterval and Iys:DiscoveryInterval must be positive.");
        }

        if (PushFirstAsk < TimeSpan.Zero)
        {
            problems.Add("Iys:PushFirstAsk cannot be negative (İYS's document asks for at least 300 s).");
        }

        return problems;
    }
}
