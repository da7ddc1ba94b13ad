using System.Text.Json;

namespace SendGate.Iys.Sync.Api;

/// <summary>Where İYS stands with one item of an asynchronous bulk write.</summary>
public enum BulkItemState
{
    /// <summary><c>enqueue</c>: queued, not written yet; ask again later.</summary>
    Enqueued,

    /// <summary><c>success</c>: written; İYS's transactionId and creationDate came with it.</summary>
    Succeeded,

    /// <summary><c>failure</c>: not written; İYS's error (code, message) came with it.</summary>
    Failed,
}

/// <summary>One item of İYS's answer about a bulk write: its 0-based <see cref="Index"/> in the write and what happened to it.</summary>
public sealed record BulkItemStatus(int Index, BulkItemState State, string? SubRequestId, string? TransactionId, string? CreationDate, string? ErrorCode, string? ErrorMessage);

/// <summary>
/// İYS's answer to <c>GET …/consents/request/{requestId}</c> (operation searchRequestDetails), as its document describes
/// it: a <b>top-level JSON array</b>, one object per item of the write, with <c>index</c>, <c>status</c> in lower case
/// (<c>success</c>, <c>failure</c>, <c>enqueue</c>), <c>subRequestId</c> (also spelled <c>subrequestId</c>),
/// <c>transactionId</c> and <c>creationDate</c> on success, and on failure one <c>error</c> object
/// <c>{code, message}</c>. An empty array means "not processed yet" (İYS says so for answers asked sooner than 300 s
/// after the write, and for request ids older than 60 days), never "failed"; items may be missing from a partial
/// answer. Anything else is an unexpected answer: the caller asks again later and records nothing.
/// </summary>
internal static class BulkWriteStatus
{
    public const string Operation = "searchRequestDetails";

    /// <exception cref="IysUnexpectedAnswerException">The body is not the documented array (the message says what is wrong, never an address).</exception>
    public static IReadOnlyList<BulkItemStatus> Parse(byte[] body)
    {
        if (body.Length == 0)
        {
            return [];
        }

        using var document = AnswerFields.Document(body, JsonValueKind.Array, Operation, "about a bulk write");
        var items = new List<BulkItemStatus>(document.RootElement.GetArrayLength());
        foreach (var item in document.RootElement.EnumerateArray())
        {
            items.Add(Item(item));
        }

        return items;
    }

    private static BulkItemStatus Item(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Unexpected("an item is not a JSON object");
        }

        if (AnswerFields.Number(item, "index") is not (>= 0 and <= int.MaxValue and var index))
        {
            throw Unexpected("an item has no numeric 'index'");
        }

        var state = AnswerFields.Text(item, "status")?.ToLowerInvariant() switch
        {
            "success" => BulkItemState.Succeeded,
            "failure" => BulkItemState.Failed,
            "enqueue" => BulkItemState.Enqueued,
            null => throw Unexpected("an item has no 'status'"),
            _ => throw Unexpected("an item's 'status' is not success, failure or enqueue"),
        };
        string? code = null, message = null;
        if (state == BulkItemState.Failed)
        {
            // The document gives one 'error' object; an 'errors' array is read too, in case İYS answers as its other endpoints do.
            var error = item.TryGetProperty("error", out var single) ? single
                : item.TryGetProperty("errors", out var many) && many.ValueKind == JsonValueKind.Array && many.GetArrayLength() > 0 ? many[0]
                : default;
            if (error.ValueKind == JsonValueKind.Object)
            {
                var parsed = IysError.FromItem(error, 0);
                (code, message) = (parsed.Code, parsed.Message);
            }
        }

        return new BulkItemStatus((int)index, state, AnswerFields.Text(item, "subRequestId") ?? AnswerFields.Text(item, "subrequestId"), AnswerFields.Text(item, "transactionId"), AnswerFields.Text(item, "creationDate"), code, message);
    }

    private static IysUnexpectedAnswerException Unexpected(string what) => new(Operation, $"İYS's answer about a bulk write is not the documented shape: {what}");
}
