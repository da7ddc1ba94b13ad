using SendGate.Core.Hashing;

namespace SendGate.Core.Tests;

public sealed class SipHash128Tests
{
    // The reference implementation's vectors (vectors_sip128): key 00 01 .. 0f, message 00 01 .. (n-1).
    [Theory]
    [InlineData(0, "a3817f04ba25a8e66df67214c7550293")]
    [InlineData(1, "da87c1d86b99af44347659119b22fc45")]
    [InlineData(7, "a1f1ebbed8dbc153c0b84aa61ff08239")]
    [InlineData(8, "3b62a9ba6258f5610f83e264f31497b4")]
    [InlineData(12, "d626b266905ef35882634df68532c125")]
    [InlineData(13, "9869e247e9c08b10d029934fc4b952f7")]
    [InlineData(15, "5493e99933b0a8117e08ec0f97cfc3d9")]
    [InlineData(16, "6ee2a4ca67b054bbfd3315bf85230577")]
    [InlineData(17, "473d06e8738db89854c066c47ae47740")]
    [InlineData(24, "2db479ae78bd50d8882a8a178a6132ad")]
    [InlineData(31, "2939b0183223fafc1723de4f52c43d35")]
    public void Hash_ReferenceVector_Matches(int length, string expectedHex)
    {
        var key = HashingKey.FromBytes(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray());
        var message = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

        var hash = new RecipientHasher(key).HashNormalized(message);

        Assert.Equal(expectedHex, hash.ToString());
    }

    [Fact]
    public void Hash_DifferentKeys_GiveDifferentOutputs()
    {
        var message = "+905321234567"u8.ToArray();
        var a = new RecipientHasher(HashingKey.FromBytes(new byte[16])).HashNormalized(message);
        var b = new RecipientHasher(HashingKey.FromBytes(Enumerable.Repeat((byte)1, 16).ToArray())).HashNormalized(message);

        Assert.NotEqual(a, b);
    }
}
