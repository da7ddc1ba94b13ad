using System.Globalization;

namespace SendGate.IysSimulator;

/// <summary>
/// PULL's <c>after</c> as İYS's document describes it: the creation time (Unix seconds) and the transactionId of the
/// last change listed, joined by an underscore — <c>1597740617_632cc155…</c>. The next page lists what İYS recorded after
/// that change. What İYS does with an <c>after</c> that is not of this form the document does not say: the simulator
/// answers 422 pointing at <c>after</c>, without a code.
/// </summary>
internal static class PullCursor
{
    public static string Encode(SimulatedChange last) =>
        string.Create(CultureInfo.InvariantCulture, $"{last.CreatedAt.ToUnixTimeSeconds()}_{last.TransactionId}");

    public static bool TryDecode(string text, out long seconds, out string transactionId)
    {
        int underscore = text.IndexOf('_', StringComparison.Ordinal);
        transactionId = underscore > 0 ? text[(underscore + 1)..] : string.Empty;
        return long.TryParse(underscore > 0 ? text[..underscore] : string.Empty, NumberStyles.None, CultureInfo.InvariantCulture, out seconds)
            && transactionId.Length > 0;
    }
}
