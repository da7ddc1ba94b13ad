using System.Text.Json;
using System.Text.Json.Nodes;

namespace SendGate.IysSimulator;

/// <summary>PullPerBrandCode, addConsent, addBatchConsent and searchRequestDetails.</summary>
public sealed partial class IysSimulatorServer
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private void MapConsents(RouteGroupBuilder brand)
    {
        brand.MapGet("/consents/changes", Pull).WithName("PullPerBrandCode");
        brand.MapPost("/consents", WriteOne).WithName("addConsent");
        brand.MapPost("/consents/request", WriteMany).WithName("addBatchConsent");
        brand.MapGet("/consents/request/{requestId}", RequestResult).WithName("searchRequestDetails");
    }

    // Changes of the last 7 days but the most recent hour, oldest first, from one source group (default IYS), limit
    // items (default and most 1,000); 204 with no body when there are none. 'after' is "<creation second>_<transactionId>".
    private async Task<IResult> Pull(HttpContext context, uint brandCode, string? source, string? after, string? limit)
    {
        Counters.Pull();
        source ??= "IYS";
        if (source is not ("HS" or "IYS"))
        {
            return IysErrors.Errors(422, new IysFault("H506", "İzin kaynağı (source) bulunamadı.", ["source"], source));
        }

        int size = SimulatorSettings.MaxPullLimit;
        if (limit is not null && (!int.TryParse(limit, out size) || size < 1 || size > SimulatorSettings.MaxPullLimit))
        {
            return IysErrors.Errors(422, new IysFault("H507", "limit alanı için karakter üst sınırı 1000 olmalıdır.", ["limit"], limit));
        }

        (DateTimeOffset, long)? position = null;
        if (!string.IsNullOrEmpty(after))
        {
            if (!PullCursor.TryDecode(after, out long seconds, out string transaction))
            {
                // İYS's document gives the form of 'after' but no error for one that is not of it.
                return IysErrors.Errors(422, new IysFault(null, "after geçerli olmalıdır.", ["after"], after));
            }

            position = Registry.Position(brandCode, seconds, transaction);
        }

        var page = Registry.Pull(brandCode, source, position, size);
        if (page.Count == 0)
        {
            return Results.NoContent();
        }

        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }); // İYS writes + and non-ASCII as they are
        json.WriteStartObject();
        json.WriteString("after", PullCursor.Encode(page[^1]));
        json.WriteStartArray("list");
        foreach (var change in page)
        {
            change.WritePullItem(json);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        return Results.Empty;
    }

    private async Task<IResult> WriteOne(HttpContext context, uint brandCode)
    {
        ConsentWrite? write;
        try
        {
            write = await context.Request.ReadFromJsonAsync<ConsentWrite>(Json);
        }
        catch (JsonException)
        {
            write = null;
        }

        if (write is null)
        {
            return IysErrors.Errors(400, "H014", "Gönderilen istek JSON formatına uygun olmalıdır.");
        }

        if (IysRegistry.Validate(write, _clock.GetUtcNow()) is { Count: > 0 } faults)
        {
            return IysErrors.Errors(422, [.. faults]);
        }

        var outcome = Registry.Write(brandCode, write);
        return outcome.Succeeded
            ? Results.Json(new JsonObject { ["transactionId"] = outcome.TransactionId, ["creationDate"] = SimulatedChange.IysTime(outcome.CreatedAt!.Value) })
            : IysErrors.Errors(400, outcome.ErrorCode, outcome.ErrorMessage!);
    }

    // A list of at most 1,000, validated whole (every field error with its index; a tuple repeated in the list is
    // H194), then queued: 202 with the request's id and one sub-request per item, echoing what was sent.
    private async Task<IResult> WriteMany(HttpContext context, uint brandCode)
    {
        ConsentWrite[]? writes;
        try
        {
            writes = await context.Request.ReadFromJsonAsync<ConsentWrite[]>(Json);
        }
        catch (JsonException)
        {
            writes = null;
        }

        if (writes is null || writes.Length == 0 || writes.Any(write => write is null))
        {
            return IysErrors.Errors(400, "H092", "Çoklu izin ekleme isteği geçerli olmalıdır.");
        }

        if (writes.Length > SimulatorSettings.MaxBulkSize)
        {
            return IysErrors.Errors(422, "H091", "İzin ekleme sayısı en fazla 1000 olmalıdır.");
        }

        var now = _clock.GetUtcNow();
        var faults = writes.SelectMany((write, index) => IysRegistry.Validate(write, now, index)).ToList();
        var seen = new HashSet<(string?, string?, string?)>();
        for (int index = 0; index < writes.Length; index++)
        {
            if (!seen.Add((writes[index].RecipientType ?? "BIREYSEL", writes[index].Type, writes[index].Recipient)))
            {
                faults.Add(new IysFault("H194", "İzin listede daha önce tanımlandı. Liste içinde izinler alıcı tipi (recipientType), tip (type) ve alıcı (recipient) değerleri için tekrarlanamaz.", Index: index));
            }
        }

        if (faults.Count > 0)
        {
            return IysErrors.Errors(422, [.. faults]);
        }

        var (requestId, subRequestIds) = _bulk.Submit(brandCode, writes);
        var subRequests = new JsonArray();
        for (int index = 0; index < writes.Length; index++)
        {
            var echo = JsonSerializer.SerializeToNode(writes[index], Json)!.AsObject();
            echo["subRequestId"] = subRequestIds[index];
            echo["creationDate"] = SimulatedChange.IysTime(now);
            subRequests.Add(echo);
        }

        return Results.Json(new JsonObject { ["requestId"] = requestId, ["subRequests"] = subRequests }, statusCode: 202);
    }

    private IResult RequestResult(string requestId)
    {
        if (requestId.Length > 36)
        {
            return IysErrors.Errors(422, new IysFault("H198", "requestId 36 karakterden daha uzun olamaz.", ["requestId"], requestId));
        }

        if (requestId.All(char.IsAsciiLetter))
        {
            return IysErrors.Errors(422, new IysFault("H199", "requestId sadece harflerden meydana gelemez.", ["requestId"], requestId));
        }

        if (requestId.All(char.IsAsciiDigit))
        {
            return IysErrors.Errors(422, new IysFault("H400", "requestId sadece sayılardan meydana gelemez.", ["requestId"], requestId));
        }

        var answer = _bulk.Answer(requestId, out bool tooEarly);
        Counters.BulkStatus(tooEarly);
        return Results.Json(answer);
    }
}
