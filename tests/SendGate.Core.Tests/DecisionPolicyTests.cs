using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Policy;

namespace SendGate.Core.Tests;

/// <summary>Every row of DOMAIN.md's decision table, in both message kinds where it matters.</summary>
public sealed class DecisionPolicyTests
{
    private static readonly ConsentTime Jan = ConsentStateTests.Time("2024-01-01 00:00:00");
    private static readonly ConsentTime Feb = ConsentStateTests.Time("2024-02-01 00:00:00");
    private static readonly ConsentTime Mar = ConsentStateTests.Time("2024-03-01 00:00:00");

    public enum Record
    {
        None,
        Onay,
        Ret,
        OnayBeforeClosure,
        OnayAfterClosure,
        RetBeforeClosure,
        NoneWithClosure,
        OnayLateUploadOfOldConsent,
        OnayAtClosure,
    }

    public static TheoryData<Record, MessageKind, bool, bool, Reason> Table => new()
    {
        // Informational: allowed without consent, whatever the record and however stale the data.
        { Record.None, MessageKind.Informational, false, false, Reason.AllowedInformational },
        { Record.Ret, MessageKind.Informational, false, false, Reason.AllowedInformational },
        { Record.OnayBeforeClosure, MessageKind.Informational, false, false, Reason.AllowedInformational },
        { Record.None, MessageKind.Informational, false, true, Reason.AllowedInformational },
        { Record.Ret, MessageKind.Informational, true, true, Reason.AllowedInformational },

        // Exempt provider: allowed by configuration, also when the data is stale.
        { Record.None, MessageKind.Commercial, true, false, Reason.AllowedExemptSender },
        { Record.Ret, MessageKind.Commercial, true, false, Reason.AllowedExemptSender },
        { Record.None, MessageKind.Commercial, true, true, Reason.AllowedExemptSender },

        // Commercial.
        { Record.Onay, MessageKind.Commercial, false, false, Reason.AllowedConsent },
        { Record.Ret, MessageKind.Commercial, false, false, Reason.DeniedRefused },
        { Record.None, MessageKind.Commercial, false, false, Reason.DeniedNoConsent },

        // Line closed: consents not newer than the closure are void until a newer one arrives.
        { Record.OnayBeforeClosure, MessageKind.Commercial, false, false, Reason.DeniedLineClosed },
        { Record.RetBeforeClosure, MessageKind.Commercial, false, false, Reason.DeniedLineClosed },
        { Record.OnayAfterClosure, MessageKind.Commercial, false, false, Reason.AllowedConsent },
        { Record.NoneWithClosure, MessageKind.Commercial, false, false, Reason.DeniedNoConsent },
        { Record.OnayLateUploadOfOldConsent, MessageKind.Commercial, false, false, Reason.DeniedLineClosed },
        { Record.OnayAtClosure, MessageKind.Commercial, false, false, Reason.DeniedLineClosed },

        // Stale data: commercial is denied, whatever the record says.
        { Record.Onay, MessageKind.Commercial, false, true, Reason.DeniedStaleIndex },
        { Record.None, MessageKind.Commercial, false, true, Reason.DeniedStaleIndex },

        // Unspecified kind is commercial.
        { Record.Onay, MessageKind.Unspecified, false, false, Reason.AllowedConsent },
        { Record.None, MessageKind.Unspecified, false, false, Reason.DeniedNoConsent },
        { Record.Onay, MessageKind.Unspecified, false, true, Reason.DeniedStaleIndex },
        { Record.Onay, (MessageKind)77, false, true, Reason.DeniedStaleIndex },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Decide_DecisionTable(Record record, MessageKind kind, bool exempt, bool stale, Reason expected)
    {
        var (state, closedAt) = Build(record);
        var context = DecisionContext.Create(kind, exempt, stale);

        var reason = DecisionPolicy.Decide(context, recipientValid: true, state, closedAt);

        Assert.Equal(expected, reason);
    }

    [Theory]
    [InlineData(MessageKind.Commercial, false, false)]
    [InlineData(MessageKind.Informational, false, false)]
    [InlineData(MessageKind.Commercial, true, false)]
    [InlineData(MessageKind.Commercial, false, true)]
    public void Decide_InvalidRecipient_IsDeniedWhateverTheRest(MessageKind kind, bool exempt, bool stale)
    {
        var (state, closedAt) = Build(Record.Onay);

        var reason = DecisionPolicy.Decide(DecisionContext.Create(kind, exempt, stale), recipientValid: false, state, closedAt);

        Assert.Equal(Reason.DeniedInvalidRecipient, reason);
    }

    [Theory]
    [InlineData(MessageKind.Commercial, false, false, Reason.Unspecified)]
    [InlineData(MessageKind.Informational, true, true, Reason.AllowedInformational)]
    [InlineData(MessageKind.Commercial, true, true, Reason.AllowedExemptSender)]
    [InlineData(MessageKind.Commercial, false, true, Reason.DeniedStaleIndex)]
    public void Create_BlanketReason_SkipsLookups(MessageKind kind, bool exempt, bool stale, Reason expected)
    {
        Assert.Equal(expected, DecisionContext.Create(kind, exempt, stale).BlanketReason);
    }

    [Theory]
    [InlineData(Reason.AllowedConsent, true)]
    [InlineData(Reason.AllowedInformational, true)]
    [InlineData(Reason.AllowedExemptSender, true)]
    [InlineData((Reason)15, true)]
    [InlineData(Reason.Unspecified, false)]
    [InlineData(Reason.DeniedNoConsent, false)]
    [InlineData(Reason.DeniedRefused, false)]
    [InlineData(Reason.DeniedLineClosed, false)]
    [InlineData(Reason.DeniedInvalidRecipient, false)]
    [InlineData(Reason.DeniedStaleIndex, false)]
    public void IsAllowed_AllowedAreOneToFifteen(Reason reason, bool allowed)
    {
        Assert.Equal(allowed, reason.IsAllowed());
    }

    [Fact]
    public void Describe_EveryReason_HasItsOwnSentence()
    {
        var (state, closedAt) = Build(Record.OnayBeforeClosure);
        var reasons = Enum.GetValues<Reason>().Where(r => r != Reason.Unspecified).ToArray();

        var sentences = reasons.Select(r => DecisionPolicy.Describe(r, state, closedAt)).ToArray();

        Assert.Equal(reasons.Length, sentences.Distinct().Count());
    }

    private static (ConsentState State, ConsentTime ClosedAt) Build(Record record) => record switch
    {
        Record.None => (ConsentState.None, ConsentTime.None),
        Record.Onay => (ConsentState.Create(ConsentStatus.Onay, Jan, Jan), ConsentTime.None),
        Record.Ret => (ConsentState.Create(ConsentStatus.Ret, Jan, Jan), ConsentTime.None),
        Record.OnayBeforeClosure => (ConsentState.Create(ConsentStatus.Onay, Jan, Jan), Feb),
        Record.RetBeforeClosure => (ConsentState.Create(ConsentStatus.Ret, Jan, Jan), Feb),
        Record.OnayAfterClosure => (ConsentState.Create(ConsentStatus.Onay, Mar, Mar), Feb),
        Record.NoneWithClosure => (ConsentState.None, Feb),
        // Uploaded (modified) after the closure, but given before it: the previous subscriber's.
        Record.OnayLateUploadOfOldConsent => (ConsentState.Create(ConsentStatus.Onay, Jan, Mar), Feb),
        Record.OnayAtClosure => (ConsentState.Create(ConsentStatus.Onay, Feb, Mar), Feb), // not newer: void
        _ => throw new ArgumentOutOfRangeException(nameof(record)),
    };
}
