using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Index.Tests;

public sealed class ConsentIndexTests
{
    private static readonly RecipientKey Recipient = new(0x1234_5678_9abc_def0, 0x0fed_cba9_8765_4321);

    [Fact]
    public void Lookup_Absent_IsNone()
    {
        using var index = Keys.Index();

        var result = index.Lookup(new ConsentKey(1, Channel.Mesaj, RecipientType.Bireysel, Recipient));

        Assert.True(result.State.IsNone);
        Assert.True(result.LineClosedAt.IsNone);
    }

    [Fact]
    public void Apply_ThenLookup_ReturnsTheState()
    {
        using var index = Keys.Index();
        var key = new ConsentKey(123457, Channel.Mesaj, RecipientType.Bireysel, Recipient);

        Assert.True(index.Apply(key, Keys.Onay(Keys.Jan, Keys.Jan)));

        Assert.Equal(Keys.Onay(Keys.Jan, Keys.Jan), index.Lookup(key).State);
        Assert.Equal(1, index.Count);
        Assert.Equal(1, index.Version);
    }

    [Fact]
    public void Apply_FollowsTheNewestWinsRule()
    {
        using var index = Keys.Index();
        var key = new ConsentKey(123457, Channel.Mesaj, RecipientType.Bireysel, Recipient);

        index.Apply(key, Keys.Onay(Keys.Feb, Keys.Feb));
        bool older = index.Apply(key, Keys.Ret(Keys.Jan, Keys.Jan));       // older: ignored
        bool tieRet = index.Apply(key, Keys.Ret(Keys.Jan, Keys.Feb));      // same time, RET wins
        bool tieOnay = index.Apply(key, Keys.Onay(Keys.Mar, Keys.Feb));    // same time, ONAY loses to RET
        bool duplicate = index.Apply(key, Keys.Ret(Keys.Jan, Keys.Feb));   // duplicate: no change

        Assert.False(older);
        Assert.True(tieRet);
        Assert.False(tieOnay);
        Assert.False(duplicate);
        Assert.Equal(Keys.Ret(Keys.Jan, Keys.Feb), index.Lookup(key).State);
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void Keys_DifferingInAnyComponent_AreSeparateEntries()
    {
        using var index = Keys.Index();
        ConsentKey[] keys =
        [
            new(1, Channel.Mesaj, RecipientType.Bireysel, Recipient),
            new(2, Channel.Mesaj, RecipientType.Bireysel, Recipient),
            new(1, Channel.Arama, RecipientType.Bireysel, Recipient),
            new(1, Channel.Mesaj, RecipientType.Tacir, Recipient),
            new(1, Channel.Mesaj, RecipientType.Bireysel, new RecipientKey(Recipient.Lo, Recipient.Hi + 1)),
        ];

        for (int i = 0; i < keys.Length; i++)
        {
            index.Apply(keys[i], Keys.Onay(new ConsentTime(Keys.Jan.Seconds + (uint)i), Keys.Jan));
        }

        Assert.Equal(keys.Length, index.Count);
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.Equal(new ConsentTime(Keys.Jan.Seconds + (uint)i), index.Lookup(keys[i]).State.ConsentDate);
        }
    }

    [Fact]
    public void ApplyClosure_IsSeenByEveryKeyOfTheRecipient_AndTheLatestStands()
    {
        using var index = Keys.Index();
        var sms = new ConsentKey(1, Channel.Mesaj, RecipientType.Bireysel, Recipient);
        var call = new ConsentKey(2, Channel.Arama, RecipientType.Tacir, Recipient);
        var other = new ConsentKey(1, Channel.Mesaj, RecipientType.Bireysel, new RecipientKey(7, 7));
        index.Apply(sms, Keys.Onay(Keys.Jan, Keys.Jan));

        index.ApplyClosure(Recipient, Keys.Mar);
        index.ApplyClosure(Recipient, Keys.Feb); // older: ignored

        Assert.Equal(Keys.Mar, index.Lookup(sms).LineClosedAt);
        Assert.Equal(Keys.Mar, index.Lookup(call).LineClosedAt);
        Assert.True(index.Lookup(other).LineClosedAt.IsNone);
        Assert.Equal(1, index.ClosureCount);
    }

    [Fact]
    public void BatchLookup_AgreesWithSingleLookups()
    {
        using var index = Keys.Index(100_000);
        var random = new Random(1);
        var stored = Enumerable.Range(0, 50_000).Select(_ => Keys.Random(random)).ToArray();
        foreach (var key in stored)
        {
            index.Apply(key, Keys.Onay(Keys.Jan, new ConsentTime(Keys.Jan.Seconds + (uint)random.Next(1000))));
        }

        for (int i = 0; i < 1000; i++)
        {
            index.ApplyClosure(stored[i * 7].Recipient, Keys.Feb);
        }

        var queries = stored.Take(20_000).Concat(Enumerable.Range(0, 20_000).Select(_ => Keys.Random(random))).ToArray();
        random.Shuffle(queries);
        var results = new ConsentLookup[queries.Length];

        index.Lookup(queries, results);

        for (int i = 0; i < queries.Length; i++)
        {
            Assert.Equal(index.Lookup(queries[i]), results[i]);
        }

        Assert.Equal(20_000, results.Count(r => !r.State.IsNone));
    }

    [Fact]
    public void Apply_BeyondTheSizedCapacity_GrowsByGenerations_AndLosesNothing()
    {
        using var index = Keys.Index(expected: 1024);
        var random = new Random(2);
        var keys = Enumerable.Range(0, 100_000).Select(_ => Keys.Random(random)).ToArray();

        foreach (var key in keys)
        {
            index.Apply(key, Keys.Onay(Keys.Jan, Keys.Jan));
        }

        Assert.True(index.Generations > 1);
        Assert.Equal(keys.Length, index.Count);
        var results = new ConsentLookup[keys.Length];
        index.Lookup(keys, results);
        Assert.All(results, r => Assert.Equal(Keys.Onay(Keys.Jan, Keys.Jan), r.State));

        // Updates reach entries in older generations.
        index.Apply(keys[0], Keys.Ret(Keys.Feb, Keys.Feb));
        Assert.Equal(ConsentStatus.Ret, index.Lookup(keys[0]).State.Status);
        Assert.Equal(keys.Length, index.Count);
    }

    [Fact]
    public void Apply_FillingOneGenerationToItsLoadBound_MovesEntriesWithoutLosingAny()
    {
        const int expected = 200_000;
        using var index = Keys.Index(expected);
        var random = new Random(3);
        var keys = Enumerable.Range(0, expected).Select(_ => Keys.Random(random)).ToArray();

        for (int i = 0; i < keys.Length; i++)
        {
            index.Apply(keys[i], Keys.Onay(Keys.Jan, new ConsentTime(Keys.Jan.Seconds + (uint)i)));
        }

        Assert.Equal(1, index.Generations); // cuckoo moves made room up to the load bound
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.Equal(new ConsentTime(Keys.Jan.Seconds + (uint)i), index.Lookup(keys[i]).State.ModifiedAt);
        }
    }

    [Fact]
    public void SizeBytes_AtTheDefaultLoad_IsUnderTwentyBytesPerTuple()
    {
        const long expected = 1_000_000;
        using var index = new ConsentIndex(new ConsentIndexOptions { ExpectedTuples = expected, ExpectedClosures = 0 });

        double consentBytesPerTuple = (double)index.Consents.SizeBytes / expected;

        Assert.InRange(consentBytesPerTuple, 16.0, 20.0);
    }
}
