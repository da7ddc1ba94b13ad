using SendGate.Senders.Kannel;

namespace SendGate.Senders.Tests;

public sealed class OptOutKeywordsTests
{
    private static readonly OptOutKeywords Default = new(new OptOutSettings().EffectiveKeywords);

    [Theory]
    [InlineData("RET")]
    [InlineData("ret")]
    [InlineData("Ret ACME")]
    [InlineData("  RET\n")]
    [InlineData("RET.")]
    [InlineData("İPTAL")]
    [InlineData("iptal")]
    [InlineData("ıptal lütfen")]
    public void Refusals_MatchWithoutCaseOrDiacritics(string text) => Assert.True(Default.IsRefusal(text));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("RETURN")]
    [InlineData("Merhaba, RET")]
    [InlineData("EVET")]
    public void OtherReplies_AreNotRefusals(string? text) => Assert.False(Default.IsRefusal(text));

    [Fact]
    public void ConfiguredKeywords_ReplaceTheDefaults_AndFoldTheSameWay()
    {
        var keywords = new OptOutKeywords(["DUR", "İstemiyorum"]);

        Assert.True(keywords.IsRefusal("dur"));
        Assert.True(keywords.IsRefusal("ISTEMIYORUM"));
        Assert.False(keywords.IsRefusal("RET"));
    }
}
