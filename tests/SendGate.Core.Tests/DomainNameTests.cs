using SendGate.Core.Domain;

namespace SendGate.Core.Tests;

/// <summary>The İYS names the gate writes (decision log, refusals, generated files) are the ones İYS files use.</summary>
public sealed class DomainNameTests
{
    [Theory]
    [InlineData(Channel.Mesaj, "MESAJ")]
    [InlineData(Channel.Arama, "ARAMA")]
    [InlineData(Channel.Eposta, "EPOSTA")]
    [InlineData((Channel)9, "UNSPECIFIED")]
    public void Channel_Name(Channel channel, string name) => Assert.Equal(name, channel.Name());

    [Theory]
    [InlineData(RecipientType.Bireysel, "BIREYSEL")]
    [InlineData(RecipientType.Tacir, "TACIR")]
    [InlineData(RecipientType.Unspecified, "UNSPECIFIED")]
    public void RecipientType_Name(RecipientType type, string name) => Assert.Equal(name, type.Name());

    [Theory]
    [InlineData(MessageKind.Commercial, "COMMERCIAL")]
    [InlineData(MessageKind.Unspecified, "COMMERCIAL")]
    [InlineData(MessageKind.Informational, "INFORMATIONAL")]
    public void MessageKind_Name_TreatsUnknownAsCommercial(MessageKind kind, string name) => Assert.Equal(name, kind.Name());
}
