using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Index.Tests;

internal static class Keys
{
    public static readonly ConsentTime Jan = new(284_000_000);
    public static readonly ConsentTime Feb = new(286_700_000);
    public static readonly ConsentTime Mar = new(289_100_000);

    public static ConsentKey Random(Random random) =>
        new((uint)random.Next(100_000, 100_100), (Channel)random.Next(1, 4), random.Next(2) == 0 ? RecipientType.Bireysel : RecipientType.Tacir,
            new RecipientKey((ulong)random.NextInt64(), (ulong)random.NextInt64()));

    public static ConsentState Onay(ConsentTime consent, ConsentTime modified) => ConsentState.Create(ConsentStatus.Onay, consent, modified);

    public static ConsentState Ret(ConsentTime consent, ConsentTime modified) => ConsentState.Create(ConsentStatus.Ret, consent, modified);

    public static ConsentIndex Index(long expected = 1 << 16) => new(new ConsentIndexOptions { ExpectedTuples = expected, ExpectedClosures = 1024 });
}
