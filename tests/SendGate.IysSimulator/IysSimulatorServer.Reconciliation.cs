using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace SendGate.IysSimulator;

/// <summary>
/// Reconciliation (mutabakat): agreementFile (the day's CSV), agreementsDate and agreementDatePut (İYS's SHA-384 of
/// that file, and recording the agreement), changeSummary (the day's counts per type and source group). A day is one
/// of the last 7, before today (İYS's day: GMT+3); a day without changes has no file (204).
/// </summary>
public sealed partial class IysSimulatorServer
{
    private readonly HashSet<(uint Brand, DateOnly Day)> _agreed = [];

    private void MapReconciliation(RouteGroupBuilder brand)
    {
        brand.MapGet("/changes/{date}/file", ChangeFile).WithName("agreementFile");
        brand.MapGet("/agreements/{date}", Agreement).WithName("agreementsDate");
        brand.MapPut("/agreements/{date}", RecordAgreement).WithName("agreementDatePut");
        brand.MapGet("/changes/{date}/recipients/{recipientType}", ChangeSummary).WithName("changeSummary");
    }

    /// <summary>Whether <see cref="RecordAgreement"/> was called for the brand and day (agreementStatus true).</summary>
    public bool Agreed(uint brand, DateOnly day)
    {
        lock (_agreed)
        {
            return _agreed.Contains((brand, day));
        }
    }

    /// <summary>The day's file exactly as <c>GET …/changes/{date}/file</c> serves it (before any armed fault), for tests to hash.</summary>
    public byte[] DayFile(uint brand, DateOnly day)
    {
        var csv = new StringBuilder(SimulatedChange.CsvHeader).Append('\n');
        foreach (var change in Registry.Day(brand, day))
        {
            csv.Append(change.CsvRow()).Append('\n'); // the document: the file ends with \n
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    private IResult ChangeFile(uint brandCode, string date)
    {
        if (DayWithChanges(brandCode, date, out var day) is { } refused)
        {
            return refused;
        }

        byte[] file = DayFile(brandCode, day);
        if (Faults.TakeTruncatedFile())
        {
            file = file[..(file.Length * 2 / 3)]; // a download cut short: only a hash check can tell
        }

        return Results.Bytes(file, "text/csv");
    }

    private IResult Agreement(uint brandCode, string date)
    {
        if (DayWithChanges(brandCode, date, out var day) is { } refused)
        {
            return refused;
        }

        // İYS hashes each day's file after the day ends; the document lists queued, inprogress, completed and error.
        var ended = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(3));
        var since = _clock.GetUtcNow() - ended;
        bool agreed = Agreed(brandCode, day);
        if (since < _settings.AgreementReadyAfter)
        {
            return Results.Json(new JsonObject
            {
                ["processStatus"] = since < _settings.AgreementReadyAfter / 2 ? "queued" : "inprogress", ["hashMethod"] = "SHA-384", ["agreementStatus"] = agreed,
            });
        }

        return Results.Json(new JsonObject
        {
            ["processStatus"] = "completed",
            ["hashValue"] = Convert.ToHexStringLower(SHA384.HashData(DayFile(brandCode, day))),
            ["hashMethod"] = "SHA-384",
            ["agreementStatus"] = agreed,
        });
    }

    private async Task<IResult> RecordAgreement(HttpContext context, uint brandCode, string date)
    {
        if (Day(date) is { } refused)
        {
            return refused;
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (System.Text.Json.JsonException)
        {
            return IysErrors.Errors(400, "H014", "Gönderilen istek JSON formatına uygun olmalıdır.");
        }

        if (body?["agreementStatus"]?.GetValueKind() != System.Text.Json.JsonValueKind.True)
        {
            return IysErrors.Errors(422, new IysFault("H512", "false kabul edilemedi. İzin verilen değerler: true", ["agreementStatus"]));
        }

        if (DayWithChanges(brandCode, date, out var day) is { } none)
        {
            return none;
        }

        lock (_agreed)
        {
            _agreed.Add((brandCode, day));
        }

        return Results.Json(new JsonObject { ["agreementCaptured"] = true });
    }

    // Per type, one line per source group that changed that day: approvals (ONAY), rejections (RET), pending (bulk
    // items of that day not written yet; the provider's, so HS) and their total.
    private IResult ChangeSummary(uint brandCode, string date, string recipientType)
    {
        if (Day(date) is { } refused)
        {
            return refused;
        }

        if (recipientType is not ("BIREYSEL" or "TACIR"))
        {
            return IysErrors.Errors(422, new IysFault("H116", "Alıcı tipi (recipientType) kabul edilemedi. İzin verilen değerler: BIREYSEL, TACIR ", ["recipientType"], recipientType));
        }

        var day = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var changes = Registry.Day(brandCode, day).Where(change => change.RecipientType == recipientType).ToList();
        var stats = new JsonArray();
        foreach (string type in new[] { "ARAMA", "MESAJ", "EPOSTA" })
        {
            var consents = new JsonArray();
            foreach (string source in new[] { "HS", "IYS" })
            {
                var of = changes.Where(change => change.Type == type && change.SourceKind == source).ToList();
                long approval = of.Count(change => change.Status == "ONAY"), rejection = of.Count(change => change.Status == "RET");
                long pending = source == "HS" ? _bulk.Pending(brandCode, day, type, recipientType) : 0;
                if (approval + rejection + pending > 0)
                {
                    consents.Add(new JsonObject { ["source"] = source, ["approval"] = approval, ["rejection"] = rejection, ["pending"] = pending, ["total"] = approval + rejection + pending });
                }
            }

            if (consents.Count > 0)
            {
                stats.Add(new JsonObject { ["type"] = type, ["consents"] = consents });
            }
        }

        return Results.Json(new JsonObject { ["changeStats"] = stats });
    }

    // As Day, and a day without changes of the brand has nothing to answer about (204).
    private IResult? DayWithChanges(uint brand, string date, out DateOnly day)
    {
        day = default;
        if (Day(date) is { } refused)
        {
            return refused;
        }

        day = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Registry.Day(brand, day).Count == 0 ? Results.NoContent() : null;
    }

    // The document's rules for reportDate: YYYY-MM-DD (H501), at most 7 days ago (H502); today has no file yet (204).
    private IResult? Day(string date)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return IysErrors.BadDate(date);
        }

        var today = IysDay(_clock.GetUtcNow());
        return day < today.AddDays(-7) ? IysErrors.TooOld(date) : day >= today ? Results.NoContent() : null;
    }
}
