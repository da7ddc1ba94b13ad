using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Policy;

namespace SendGate.Core.Tests;

/// <summary>Retailers (bayi): which retailers may use a consent, and the decision's last row for requests on behalf of one.</summary>
public sealed class RetailerRuleTests
{
    [Fact]
    public void Parse_IntegersOnly_NoneWhenTheRecordHasNoRetailerFields()
    {
        Assert.True(RetailerRule.TryParse(null, null, out var none));
        Assert.Null(none);
        Assert.True(RetailerRule.TryParse("", [], out none));
        Assert.Null(none);

        Assert.True(RetailerRule.TryParse("501", ["503", "502", "503"], out var rule));
        Assert.Equal(501u, rule!.Owner);
        Assert.Equal([502u, 503u], rule.Access);

        Assert.False(RetailerRule.TryParse("bayi-7", null, out _));
        Assert.False(RetailerRule.TryParse("501", ["-1"], out _));
        Assert.False(RetailerRule.TryParse("0", null, out _));
        Assert.False(RetailerRule.TryParse(" 501", null, out _));
    }

    [Theory]
    [InlineData(0u, Reason.AllowedConsent)]      // the brand itself: every consent
    [InlineData(501u, Reason.AllowedConsent)]    // the owner
    [InlineData(502u, Reason.AllowedConsent)]    // given access
    [InlineData(503u, Reason.DeniedNoRetailerAccess)]
    public void ForRetailer_OnlyTheOwnerAndThoseGivenAccess(uint retailer, Reason expected)
    {
        RetailerRule.TryParse("501", ["502"], out var rule);

        Assert.Equal(expected, DecisionPolicy.ForRetailer(Reason.AllowedConsent, retailer, rule));
    }

    [Fact]
    public void ForRetailer_TheBrandsOwnConsentIsNotARetailers_AndDenialsStand()
    {
        Assert.Equal(Reason.DeniedNoRetailerAccess, DecisionPolicy.ForRetailer(Reason.AllowedConsent, 501, null));
        Assert.Equal(Reason.AllowedConsent, DecisionPolicy.ForRetailer(Reason.AllowedConsent, 0, null));
        foreach (var denial in new[] { Reason.DeniedRefused, Reason.DeniedNoConsent, Reason.DeniedLineClosed, Reason.AllowedInformational })
        {
            Assert.Equal(denial, DecisionPolicy.ForRetailer(denial, 503, null));
        }

        Assert.Equal("DENIED_NO_RETAILER_ACCESS", Reason.DeniedNoRetailerAccess.Name());
        Assert.False(Reason.DeniedNoRetailerAccess.IsAllowed());
    }
}
