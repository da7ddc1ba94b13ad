using SendGate.Core.Consent;
using SendGate.Index.Records;

namespace SendGate.Index.Tests;

/// <summary>
/// The writer's prefetch hint (<see cref="ConsentStore.Prefetch"/>) touches nothing: hinting changes, closures and
/// rejected events — before, between and after the table grows generations — leaves every answer, count and
/// version as applying alone would.
/// </summary>
public sealed class PrefetchTests
{
    [Fact]
    public void HintingEveryEventAhead_ChangesNothingButWhenTheMemoryArrives()
    {
        using var hinted = new ConsentStore(Keys.Index(expected: 1024), new NoConsentRecordStore());
        using var plain = new ConsentStore(Keys.Index(expected: 1024), new NoConsentRecordStore());
        var random = new Random(11);
        var events = new List<DecodedEvent>();
        for (int i = 0; i < 20_000; i++) // 20× the sizing: the table grows generations on the way
        {
            var key = Keys.Random(random);
            events.Add(i % 10 == 9 ? DecodedEvent.Of(new LineClosure(key.Recipient, Keys.Feb))
                : i % 97 == 0 ? DecodedEvent.Rejected("malformed")
                : DecodedEvent.Of(new ConsentChange(key, new ConsentRecord { State = Keys.Onay(Keys.Jan, Keys.Mar) })));
        }

        for (int i = 0; i < events.Count; i++)
        {
            hinted.Prefetch(events[Math.Min(i + 8, events.Count - 1)]);
            long version = hinted.Index.Version;
            Assert.Equal(plain.Index.Count, hinted.Index.Count);
            Assert.Equal(plain.Index.Version, version);
            Apply(hinted, events[i]);
            Apply(plain, events[i]);
        }

        Assert.True(hinted.Index.Generations > 1);
        Assert.Equal((plain.Index.Count, plain.Index.ClosureCount, plain.Index.Version), (hinted.Index.Count, hinted.Index.ClosureCount, hinted.Index.Version));
        foreach (var decoded in events.Where(e => e.Change is not null))
        {
            var key = decoded.Change!.Key;
            Assert.Equal(plain.Index.Lookup(key), hinted.Index.Lookup(key));
        }
    }

    private static void Apply(ConsentStore store, DecodedEvent decoded)
    {
        if (decoded.Change is { } change)
        {
            store.Apply(change);
        }
        else if (decoded.Closure is { } closure)
        {
            store.Apply(closure);
        }
    }
}
