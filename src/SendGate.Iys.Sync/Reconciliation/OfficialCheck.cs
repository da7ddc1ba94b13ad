using System.Globalization;
using System.Security.Cryptography;
using SendGate.Core.Domain;
using SendGate.Iys.Sync.Api;

namespace SendGate.Iys.Sync.Reconciliation;

/// <summary>How the downloaded daily file compares with İYS's own hash of it.</summary>
public enum HashVerdict
{
    /// <summary>Our hash of the file equals İYS's <c>hashValue</c>.</summary>
    Match,

    /// <summary>They differ: the download is corrupted or truncated (or İYS hashed other bytes) — nothing from it is trusted.</summary>
    Mismatch,

    /// <summary>İYS has not finished its hash (<c>processStatus</c> queued or inprogress), or failed it (error).</summary>
    NotReady,

    /// <summary>İYS has no reconciliation information for the day (204), or no change file.</summary>
    Absent,

    /// <summary>İYS names a hash method we do not know.</summary>
    UnknownMethod,
}

/// <summary>Our hash of the downloaded file beside İYS's.</summary>
public sealed record HashCheck(HashVerdict Verdict, string Method, string? Ours, string? Iys, string? ProcessStatus);

/// <summary>One (type, recipient type, source group) of the day: what the connector received against İYS's daily summary.</summary>
public sealed record CountLine(string Type, string RecipientType, string Source, long Approvals, long IysApprovals, long Rejections, long IysRejections, long IysPending, long IysTotal)
{
    public bool Agrees => Approvals == IysApprovals && Rejections == IysRejections;
}

/// <summary>
/// The connector's counts beside İYS's. <see cref="Complete"/> is false when the connector's PULL had not yet passed the
/// day's end (plus the hour PULL withholds) for every source: its counts cannot be whole yet. <see cref="Problem"/> says
/// what kept a comparison from being made.
/// </summary>
public sealed record CountCheck(IReadOnlyList<CountLine> Lines, bool Complete, string? Problem)
{
    public bool Agrees => Problem is null && Complete && Lines.All(line => line.Agrees);
}

/// <summary>One brand and day, İYS's way: the file's hash, the counts, and whether an agreement was recorded.</summary>
public sealed record OfficialReport(IysBrand Brand, DateOnly Day, HashCheck Hash, CountCheck Counts, bool? AgreementCaptured, string? AgreementNote)
{
    /// <summary>What İYS's reconciliation asks before an agreement is recorded: the file is İYS's, the counts agree.</summary>
    public bool Agrees => Hash.Verdict == HashVerdict.Match && Counts.Agrees;
}

/// <summary>
/// Reconciliation as İYS defines it, per brand and day: our SHA-384 of the downloaded daily change file (agreementFile)
/// against İYS's <c>hashValue</c> (agreementsDate) — a corrupted or truncated download shows as a mismatch — and the
/// changes the connector received through PULL (<see cref="DayCounts"/>, kept in its cursor files: counts only) against
/// İYS's daily summary (changeSummary: approvals and rejections per type and source group, for each recipient type).
/// When both agree, and the gate agrees with the file, <c>--record</c> tells İYS so (agreementDatePut).
/// </summary>
public sealed class OfficialCheck(IysApi iys, IysSyncOptions options)
{
    private static readonly RecipientType[] RecipientTypes = [RecipientType.Bireysel, RecipientType.Tacir];

    /// <summary>İYS's hash of the day's file compared with ours of <paramref name="file"/> (null: İYS gave no file).</summary>
    public async Task<HashCheck> HashAsync(IysBrand brand, DateOnly day, byte[]? file, CancellationToken cancellationToken)
    {
        var info = await iys.GetAgreementAsync(brand, day, cancellationToken);
        if (info is null || file is null)
        {
            return new HashCheck(HashVerdict.Absent, info?.HashMethod ?? "SHA-384", null, info?.HashValue, info?.ProcessStatus);
        }

        if (!info.IsCompleted || string.IsNullOrEmpty(info.HashValue))
        {
            return new HashCheck(HashVerdict.NotReady, info.HashMethod ?? "SHA-384", null, info.HashValue, info.ProcessStatus);
        }

        if (Hash(info.HashMethod, info.HashValue, file) is not { } ours)
        {
            return new HashCheck(HashVerdict.UnknownMethod, info.HashMethod ?? "?", null, info.HashValue, info.ProcessStatus);
        }

        bool equal = string.Equals(ours.Value, info.HashValue.Trim(), StringComparison.OrdinalIgnoreCase);
        return new HashCheck(equal ? HashVerdict.Match : HashVerdict.Mismatch, ours.Method, ours.Value, info.HashValue, info.ProcessStatus);
    }

    /// <summary>What the connector received (its cursor files for the brand) against İYS's summary of the day.</summary>
    public async Task<CountCheck> CountsAsync(IysBrand brand, DateOnly day, CancellationToken cancellationToken)
    {
        var stats = new List<(RecipientType Type, ChangeStat Stat)>();
        foreach (var type in RecipientTypes)
        {
            stats.AddRange((await iys.GetChangeSummaryAsync(brand, day, type, cancellationToken)).Select(stat => (type, stat)));
        }

        var cursors = new CursorStore(options.CursorPath);
        var received = new Dictionary<(string Type, string RecipientType, string Source), (long Approvals, long Rejections)>();
        var dayEnd = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), ConsentTime.IysOffset);
        bool complete = true;
        var problems = new List<string>();
        foreach (string source in options.EffectiveSources)
        {
            var cursor = cursors.Load(brand.BrandCode, source, out string? unreadable);
            if (unreadable is not null || cursor.CaughtUpAt is null)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"no PULL of brand {brand} source {source} in {cursors.Directory} (is Iys:CursorPath the worker's?)"));
                continue;
            }

            // PULL withholds the most recent hour: the day is whole in PULL an hour after it ends.
            complete &= cursor.CaughtUpAt >= dayEnd + TimeSpan.FromHours(1);
            foreach (var (key, count) in DayCounts.Of(cursor, day))
            {
                var (type, recipientType, status) = DayCounts.Parts(key);
                var line = (type, recipientType, source);
                var (approvals, rejections) = received.GetValueOrDefault(line);
                received[line] = status == "RET" ? (approvals, rejections + count) : (approvals + count, rejections);
            }
        }

        var lines = new Dictionary<(string Type, string RecipientType, string Source), CountLine>();
        foreach (var (type, stat) in stats)
        {
            var key = (stat.Type, type.Name(), stat.Source);
            var (approvals, rejections) = received.GetValueOrDefault(key);
            lines[key] = new CountLine(stat.Type, type.Name(), stat.Source, approvals, stat.Approval, rejections, stat.Rejection, stat.Pending, stat.Total);
        }

        foreach (var (key, (approvals, rejections)) in received.Where(line => !lines.ContainsKey(line.Key)))
        {
            lines[key] = new CountLine(key.Type, key.RecipientType, key.Source, approvals, 0, rejections, 0, 0, 0); // received, but İYS counts none
        }

        return new CountCheck([.. lines.Values.OrderBy(line => line.Type, StringComparer.Ordinal).ThenBy(line => line.RecipientType, StringComparer.Ordinal).ThenBy(line => line.Source, StringComparer.Ordinal)],
            complete, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    /// <summary>
    /// Records the agreement with İYS (agreementDatePut) when the file is İYS's, the counts are whole and agree, and the
    /// gate agrees with the file (<paramref name="gateAgrees"/>); otherwise says which of them kept it from recording.
    /// </summary>
    public async Task<OfficialReport> RecordIfAgreedAsync(OfficialReport report, bool gateAgrees, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        string? why = report.Hash.Verdict != HashVerdict.Match ? "the file's hash is not confirmed"
            : report.Counts.Problem is { } problem ? problem
            : !report.Counts.Complete ? "the connector's PULL had not passed the day's end when it last caught up"
            : !report.Counts.Agrees ? "the connector's counts differ from İYS's"
            : !gateAgrees ? "the gate does not agree with the file"
            : null;
        return why is not null
            ? report with { AgreementNote = "not recorded: " + why }
            : await iys.RecordAgreementAsync(report.Brand, report.Day, cancellationToken) switch
            {
                true => report with { AgreementCaptured = true, AgreementNote = "recorded (agreementCaptured: true)" },
                false => report with { AgreementCaptured = false, AgreementNote = "İYS answered agreementCaptured: false" },
                null => report with { AgreementNote = "İYS has no changes of that day to agree on (204)" },
            };
    }

    /// <summary>Our hash of <paramref name="file"/> by the method İYS names (SHA-384; by the hash's length when it names none), lowercase hex; null for a method we do not know.</summary>
    public static (string Method, string Value)? Hash(string? method, string? expected, byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string name = (method ?? string.Empty).Replace("-", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();
        if (name.Length == 0)
        {
            name = expected?.Trim().Length == 64 ? "SHA256" : "SHA384";
        }

        return name switch
        {
            "SHA384" => ("SHA-384", Convert.ToHexStringLower(SHA384.HashData(file))),
            "SHA256" => ("SHA-256", Convert.ToHexStringLower(SHA256.HashData(file))),
            "SHA512" => ("SHA-512", Convert.ToHexStringLower(SHA512.HashData(file))),
            _ => null,
        };
    }
}
