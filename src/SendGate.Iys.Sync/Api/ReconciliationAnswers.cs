using System.Text.Json;

namespace SendGate.Iys.Sync.Api;

/// <summary>
/// İYS's reconciliation information for one brand and day (operation agreementsDate): whether İYS has finished hashing
/// its daily change file (<c>processStatus</c>: queued, inprogress, completed, error), that hash (<c>hashValue</c>,
/// lowercase hex) and the algorithm named (<c>hashMethod</c>, SHA-384), and whether an agreement was recorded.
/// </summary>
public sealed record AgreementInfo(string? ProcessStatus, string? HashValue, string? HashMethod, bool? AgreementStatus)
{
    public bool IsCompleted => string.Equals(ProcessStatus, "completed", StringComparison.OrdinalIgnoreCase);
}

/// <summary>One line of İYS's daily summary (operation changeSummary): a type's counts from one source group (HS or IYS).</summary>
public sealed record ChangeStat(string Type, string Source, long Approval, long Rejection, long Pending, long Total);

/// <summary>The documented shapes of the reconciliation answers, read loosely (<see cref="AnswerFields"/>).</summary>
internal static class ReconciliationAnswers
{
    public static AgreementInfo Agreement(byte[] body)
    {
        using var document = AnswerFields.Document(body, JsonValueKind.Object, "agreementsDate", "about a day's reconciliation");
        var root = document.RootElement;
        return new AgreementInfo(AnswerFields.Text(root, "processStatus"), AnswerFields.Text(root, "hashValue"), AnswerFields.Text(root, "hashMethod"), AnswerFields.Flag(root, "agreementStatus"));
    }

    /// <summary><c>agreementCaptured</c> — or <c>aggrementCaptured</c>, as the document's schema spells it.</summary>
    public static bool Captured(byte[] body)
    {
        using var document = AnswerFields.Document(body, JsonValueKind.Object, "agreementDatePut", "to recording an agreement");
        var root = document.RootElement;
        return AnswerFields.Flag(root, "agreementCaptured") ?? AnswerFields.Flag(root, "aggrementCaptured")
            ?? throw new IysUnexpectedAnswerException("agreementDatePut", "İYS's answer to recording an agreement has no agreementCaptured");
    }

    public static IReadOnlyList<ChangeStat> Summary(byte[] body)
    {
        using var document = AnswerFields.Document(body, JsonValueKind.Object, "changeSummary", "with a day's summary");
        if (!document.RootElement.TryGetProperty("changeStats", out var stats) || stats.ValueKind != JsonValueKind.Array)
        {
            throw new IysUnexpectedAnswerException("changeSummary", "İYS's answer with a day's summary has no 'changeStats' array");
        }

        var lines = new List<ChangeStat>();
        foreach (var type in stats.EnumerateArray())
        {
            string name = AnswerFields.Text(type, "type") ?? throw new IysUnexpectedAnswerException("changeSummary", "a changeStats item has no 'type'");
            if (!type.TryGetProperty("consents", out var consents) || consents.ValueKind != JsonValueKind.Array)
            {
                continue; // a type without changes that day
            }

            foreach (var source in consents.EnumerateArray())
            {
                lines.Add(new ChangeStat(name, AnswerFields.Text(source, "source") ?? "?", AnswerFields.Number(source, "approval") ?? 0,
                    AnswerFields.Number(source, "rejection") ?? 0, AnswerFields.Number(source, "pending") ?? 0, AnswerFields.Number(source, "total") ?? 0));
            }
        }

        return lines;
    }
}
