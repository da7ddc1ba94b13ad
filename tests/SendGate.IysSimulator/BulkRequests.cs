using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace SendGate.IysSimulator;

/// <summary>
/// The asynchronous bulk writes İYS has taken (addBatchConsent) and what it answers about them (searchRequestDetails),
/// as its document describes: items are written one after another, <see cref="SimulatorSettings.BulkItemTime"/> apart,
/// each against the record rules at its turn (H175, H174, H178); the answer is an empty list until
/// <see cref="SimulatorSettings.BulkFirstAnswer"/> (300 s) after the write, then one item per consent written or
/// refused so far, <c>enqueue</c> for the others; a request id older than 60 days answers an empty list again.
/// </summary>
internal sealed class BulkRequests(IysRegistry registry, SimulatorSettings settings, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Request> _requests = new();

    private sealed class Request(string id, uint brand, DateTimeOffset submittedAt, ConsentWrite[] items)
    {
        public string Id { get; } = id;

        public uint Brand { get; } = brand;

        public DateTimeOffset SubmittedAt { get; } = submittedAt;

        public ConsentWrite[] Items { get; } = items;

        public WriteOutcome?[] Outcomes { get; } = new WriteOutcome?[items.Length];

        public string[] SubRequestIds { get; } = [.. items.Select(_ => Guid.NewGuid().ToString())];

        public int Processed { get; set; }
    }

    /// <summary>Takes a validated write; its items are written as their turns come (<see cref="ProcessDue"/>).</summary>
    public (string RequestId, IReadOnlyList<string> SubRequestIds) Submit(uint brand, ConsentWrite[] items)
    {
        var request = new Request(Guid.NewGuid().ToString("N"), brand, clock.GetUtcNow(), items);
        _requests[request.Id] = request;
        return (request.Id, request.SubRequestIds);
    }

    /// <summary>Writes every item whose turn has come, at its turn's time (called before each request is answered).</summary>
    public void ProcessDue()
    {
        var now = clock.GetUtcNow();
        foreach (var request in _requests.Values)
        {
            lock (request)
            {
                while (request.Processed < request.Items.Length && Turn(request, request.Processed) <= now)
                {
                    int index = request.Processed++;
                    request.Outcomes[index] = registry.Write(request.Brand, request.Items[index], Turn(request, index));
                }
            }
        }
    }

    /// <summary>The answer about a request, as İYS gives it now; and whether it was asked sooner than İYS's document allows.</summary>
    public JsonArray Answer(string requestId, out bool tooEarly)
    {
        var now = clock.GetUtcNow();
        tooEarly = false;
        var answer = new JsonArray();
        if (!_requests.TryGetValue(requestId, out var request) || now - request.SubmittedAt > settings.RequestIdsKept)
        {
            return answer;
        }

        if (now < request.SubmittedAt + settings.BulkFirstAnswer)
        {
            tooEarly = true;
            return answer;
        }

        lock (request)
        {
            for (int index = 0; index < request.Items.Length; index++)
            {
                answer.Add(request.Outcomes[index] switch
                {
                    { Succeeded: true } done => new JsonObject
                    {
                        ["requestId"] = request.Id, ["subRequestId"] = request.SubRequestIds[index], ["index"] = index, ["transactionId"] = done.TransactionId,
                        ["status"] = "success", ["creationDate"] = SimulatedChange.IysTime(done.CreatedAt!.Value),
                    },
                    { } refused => new JsonObject
                    {
                        ["subRequestId"] = request.SubRequestIds[index], ["index"] = index, ["status"] = "failure",
                        ["error"] = new JsonObject { ["code"] = refused.ErrorCode, ["message"] = refused.ErrorMessage },
                    },
                    // The document's own example spells the key this way for items still queued.
                    null => new JsonObject { ["index"] = index, ["status"] = "enqueue", ["subrequestId"] = request.SubRequestIds[index] },
                });
            }
        }

        return answer;
    }

    /// <summary>Items of a brand, type and recipient type submitted on <paramref name="day"/> (GMT+3) and not written yet: İYS's "pending".</summary>
    public long Pending(uint brand, DateOnly day, string type, string recipientType) => _requests.Values
        .Where(request => request.Brand == brand && DateOnly.FromDateTime(request.SubmittedAt.ToOffset(TimeSpan.FromHours(3)).DateTime) == day)
        .Sum(request =>
        {
            lock (request)
            {
                return (long)request.Items.Skip(request.Processed).Count(item => item.Type == type && (item.RecipientType ?? "BIREYSEL") == recipientType);
            }
        });

    private DateTimeOffset Turn(Request request, int index) => request.SubmittedAt + (settings.BulkItemTime * (index + 1));
}
