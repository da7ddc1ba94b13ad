using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Core.Tests;

public sealed class ConsentKeyTests
{
    private static readonly RecipientKey Recipient = TestKeys.Hasher.HashNormalized("+905321234567"u8);

    [Fact]
    public void WireBytes_RoundTrip()
    {
        var key = new ConsentKey(123457, Channel.Arama, RecipientType.Tacir, Recipient);

        byte[] wire = key.ToWireBytes();

        Assert.Equal(ConsentKey.WireSize, wire.Length);
        Assert.Equal([0x00, 0x01, 0xE2, 0x41], wire[..4]); // 123457 big-endian
        Assert.True(ConsentKey.TryRead(wire, out var read));
        Assert.Equal(key, read);
    }

    [Fact]
    public void Constructor_UnspecifiedType_IsBireysel()
    {
        Assert.Equal(
            new ConsentKey(1, Channel.Mesaj, RecipientType.Bireysel, Recipient),
            new ConsentKey(1, Channel.Mesaj, RecipientType.Unspecified, Recipient));
    }

    [Fact]
    public void Keys_DifferInEveryComponent()
    {
        var key = new ConsentKey(1, Channel.Mesaj, RecipientType.Bireysel, Recipient);

        Assert.NotEqual(key, new ConsentKey(2, Channel.Mesaj, RecipientType.Bireysel, Recipient));
        Assert.NotEqual(key, new ConsentKey(1, Channel.Arama, RecipientType.Bireysel, Recipient));
        Assert.NotEqual(key, new ConsentKey(1, Channel.Mesaj, RecipientType.Tacir, Recipient)); // TACIR and BIREYSEL are separate records
        Assert.NotEqual(key, new ConsentKey(1, Channel.Mesaj, RecipientType.Bireysel, new RecipientKey(Recipient.Lo, Recipient.Hi ^ 1)));
    }

    [Theory]
    [InlineData(21)]
    [InlineData(23)]
    public void TryRead_WrongLength_Fails(int length)
    {
        Assert.False(ConsentKey.TryRead(new byte[length], out _));
    }

    [Fact]
    public void TryRead_ZeroBrandOrUnknownChannel_Fails()
    {
        byte[] wire = new ConsentKey(1, Channel.Mesaj, RecipientType.Bireysel, Recipient).ToWireBytes();
        byte[] zeroBrand = (byte[])wire.Clone();
        zeroBrand[3] = 0;
        byte[] badChannel = (byte[])wire.Clone();
        badChannel[4] = 9;
        byte[] badType = (byte[])wire.Clone();
        badType[5] = 0;

        Assert.False(ConsentKey.TryRead(zeroBrand, out _));
        Assert.False(ConsentKey.TryRead(badChannel, out _));
        Assert.False(ConsentKey.TryRead(badType, out _));
    }

    [Fact]
    public void Layout_IsTwentyFourBytes()
    {
        Assert.Equal(24, System.Runtime.CompilerServices.Unsafe.SizeOf<ConsentKey>());
        Assert.Equal(16, System.Runtime.CompilerServices.Unsafe.SizeOf<RecipientKey>());
        Assert.Equal(8, System.Runtime.CompilerServices.Unsafe.SizeOf<ConsentState>());
    }
}
