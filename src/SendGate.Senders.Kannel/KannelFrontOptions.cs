namespace SendGate.Senders.Kannel;

/// <summary>Section <c>Kannel</c>: the front's listener, the smsbox it forwards to, its sendsms users and the opt-out keywords.</summary>
public sealed class KannelFrontOptions
{
    public const string SectionName = "Kannel";

    /// <summary>IP:PORT serving <c>/cgi-bin/sendsms</c> (the senders' URL instead of smsbox's) and <c>/mo</c> (smsbox's get-url).</summary>
    public string Listen { get; set; } = "127.0.0.1:13080";

    /// <summary>Metrics and health (IP:PORT or http://IP:PORT).</summary>
    public string AdminUrl { get; set; } = "http://127.0.0.1:9467";

    /// <summary>smsbox's sendsms URL, where allowed recipients are forwarded (with every other parameter as received).</summary>
    public string SmsboxUrl { get; set; } = "http://127.0.0.1:13013/cgi-bin/sendsms";

    /// <summary>How long smsbox may take to answer a forwarded sendsms.</summary>
    public TimeSpan SmsboxTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>sendsms users by username (the same users as smsbox's sendsms-user groups).</summary>
    public Dictionary<string, KannelUser> Users { get; set; } = new(StringComparer.Ordinal);

    public OptOutSettings OptOut { get; set; } = new();

    /// <summary>The front's own client of the gate (its API key, deadline, batching).</summary>
    public GateSettings Gate { get; set; } = new();

    public IEnumerable<string> Problems()
    {
        if (!SenderHost.TryParseEndpoint(Listen, out _, out string listen))
        {
            yield return $"{SectionName}:Listen: {listen}.";
        }

        if (!SenderHost.TryParseEndpoint(AdminUrl, out _, out string admin))
        {
            yield return $"{SectionName}:AdminUrl: {admin}.";
        }

        if (!Uri.TryCreate(SmsboxUrl, UriKind.Absolute, out var smsbox) || smsbox.Scheme is not ("http" or "https"))
        {
            yield return $"{SectionName}:SmsboxUrl '{SmsboxUrl}' is not an http(s) URL (smsbox's sendsms, e.g. http://127.0.0.1:13013/cgi-bin/sendsms).";
        }

        if (SmsboxTimeout <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:SmsboxTimeout must be positive.";
        }

        if (Users.Count == 0)
        {
            yield return $"{SectionName}:Users: no sendsms user is configured; add {SectionName}:Users:<username>:Password, :BrandCode and :IysCode.";
        }

        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, user) in Users)
        {
            string path = $"{SectionName}:Users:{name}";
            if (string.IsNullOrEmpty(user.Password))
            {
                yield return $"{path}:Password is required (the front answers a sendsms only for its user: without it, anyone could learn who consented).";
            }

            foreach (string problem in user.Problems(path))
            {
                yield return problem;
            }

            foreach (string number in user.Numbers ?? [])
            {
                if (owners.TryGetValue(KannelUser.NumberKey(number), out string? owner) && owner != name)
                {
                    yield return $"{path}:Numbers: '{number}' is also {owner}'s: a reply to it could not be given to one brand.";
                }

                owners[KannelUser.NumberKey(number)] = name;
            }
        }

        foreach (string problem in OptOut.Problems($"{SectionName}:OptOut"))
        {
            yield return problem;
        }

        foreach (string problem in Gate.Problems($"{SectionName}:Gate"))
        {
            yield return problem;
        }
    }
}

/// <summary>A sendsms user: the brand its messages need consent for, its password, and the numbers recipients reply to.</summary>
public sealed class KannelUser : SenderSettings
{
    /// <summary>The user's sendsms password (as smsbox knows it). Prefer the environment: Kannel__Users__NAME__Password.</summary>
    public string? Password { get; set; }

    /// <summary>The brand's numbers (short codes, long numbers) whose replies (MO) are read for opt-out keywords.</summary>
    public string[]? Numbers { get; set; }

    /// <summary>A number as compared: without spaces and a leading '+' (Kannel gives %P as the SMSC wrote it).</summary>
    public static string NumberKey(string number) => (number ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal).TrimStart('+');
}

/// <summary>Section <c>Kannel:OptOut</c>: which replies are refusals, and how they are recorded.</summary>
public sealed class OptOutSettings
{
    /// <summary>The first word of a reply that makes it a refusal, compared without case or Turkish diacritics. Default: RET, IPTAL.</summary>
    public string[]? Keywords { get; set; }

    /// <summary>The İYS source recorded with the refusal (a reply to an SMS: HS_MESAJ).</summary>
    public string Source { get; set; } = "HS_MESAJ";

    /// <summary>The text sent back to the recipient (smsbox sends the get-url's answer as a reply); empty: none.</summary>
    public string Reply { get; set; } = string.Empty;

    public IReadOnlyList<string> EffectiveKeywords => Keywords is { Length: > 0 } given ? given : ["RET", "IPTAL"];

    public IEnumerable<string> Problems(string path)
    {
        if (!Source.StartsWith("HS_", StringComparison.Ordinal))
        {
            yield return $"{path}:Source '{Source}' is not one of İYS's provider sources (HS_*, e.g. HS_MESAJ).";
        }

        foreach (string keyword in EffectiveKeywords)
        {
            if (OptOutKeywords.Fold(keyword).Length == 0 || keyword.Contains(' ', StringComparison.Ordinal))
            {
                yield return $"{path}:Keywords: '{keyword}' is not one word.";
            }
        }
    }
}
