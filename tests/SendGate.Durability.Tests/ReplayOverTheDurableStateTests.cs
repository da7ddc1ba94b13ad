using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Feed.Checkpoints;
using SendGate.Tests.Support;

namespace SendGate.Durability.Tests;

/// <summary>
/// What a replay after recovering a checkpoint written beside the feed meets: the durable store's cut and the
/// index's snapshot each hold some events past the checkpoint's position, not the same ones. The replay must leave
/// the store holding every record and closure once, whichever of the two was ahead.
/// </summary>
public sealed class ReplayOverTheDurableStateTests : IDisposable
{
    private readonly string _path = Directory.CreateTempSubdirectory("sendgate-replay-").FullName;

    [Fact]
    public void AVersionWrittenAgainWithEqualBytes_IsVisitedOnce()
    {
        var changes = ConsentModel.RandomChanges(seed: 5, count: 400, recipients: 50).ToList();
        var consent = changes.OfType<ConsentChange>().First();
        var closure = changes.OfType<LineClosure>().First();
        using var state = new DurableState(_path);
        state.Recover();
        state.Records.Apply(consent.Key, consent.Record, ConsentState.None);
        state.Records.ApplyClosure(closure.Recipient, closure.ClosedAt, ConsentTime.None);
        state.Checkpoint(new FeedResumePoint("kafka:consents", [1])); // the versions above are now read-only: a write appends

        // As a replay does when the index's snapshot is behind the store: the store is told the key is new again.
        state.Records.Apply(consent.Key, consent.Record, ConsentState.None);
        state.Records.ApplyClosure(closure.Recipient, closure.ClosedAt, ConsentTime.None);

        var visited = new CountingVisitor();
        Assert.True(state.Records.Visit(visited));
        Assert.Equal(1, visited.Consents);
        Assert.Equal(1, visited.Closures);
        var model = new ConsentModel();
        model.Apply(consent);
        model.Apply(closure);
        Assert.Equal(model.Digest().ToString(), state.Digest().ToString());
    }

    [Fact]
    public void AClosureTheIndexHoldsButTheStoreMissed_IsWrittenByItsReplay()
    {
        var closure = ConsentModel.RandomChanges(seed: 7, count: 400, recipients: 50).OfType<LineClosure>().First();
        using var state = new DurableState(_path);
        state.Recover();
        state.Store.Restore(closure.Recipient, closure.ClosedAt); // the index's snapshot has it; the store's cut does not

        Assert.False(state.Store.Apply(closure)); // the replay: nothing changes in the index…

        var visited = new CountingVisitor();
        Assert.True(state.Records.Visit(visited));
        Assert.Equal(1, visited.Closures); // …but the store now holds it
    }

    [Fact]
    public void AClosureTheStoreHolds_IsNotWrittenAgainOnATie()
    {
        var closure = ConsentModel.RandomChanges(seed: 9, count: 400, recipients: 50).OfType<LineClosure>().First();
        using var state = new DurableState(_path);
        state.Recover();
        Assert.True(state.Store.Apply(closure));
        state.Checkpoint(new FeedResumePoint("kafka:consents", [1])); // read-only now: a write would append
        long tail = state.Records.LogBytes;

        Assert.False(state.Store.Apply(closure));

        Assert.Equal(tail, state.Records.LogBytes);
    }

    public void Dispose() => Directory.Delete(_path, recursive: true);

    private sealed class CountingVisitor : IConsentStateVisitor
    {
        public int Consents { get; private set; }

        public int Closures { get; private set; }

        public void Consent(in ConsentKey key, ConsentState state) => Consents++;

        public void Closure(Core.Hashing.RecipientKey recipient, ConsentTime closedAt) => Closures++;

        public void Retailers(in ConsentKey key, ConsentState state, RetailerRule rule)
        {
        }
    }
}
