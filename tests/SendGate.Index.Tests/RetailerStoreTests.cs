using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Index.Records;

namespace SendGate.Index.Tests;

/// <summary>The retailer rule follows the record that stands for the tuple, whatever order the changes come in.</summary>
public sealed class RetailerStoreTests
{
    [Fact]
    public void TheRuleOfTheWinningRecordStands_ANewerRecordWithoutOneClearsIt_AnOlderOneChangesNothing()
    {
        using var store = new ConsentStore(Keys.Index(), new NoConsentRecordStore());
        var key = Keys.Random(new Random(3));

        store.Apply(Change(key, Keys.Feb, "501", ["502"]));
        Assert.Equal(501u, store.Index.Retailers.Find(key)!.Owner);

        store.Apply(Change(key, Keys.Jan, "777", [])); // older: loses, its rule too
        Assert.Equal(501u, store.Index.Retailers.Find(key)!.Owner);

        store.Apply(Change(key, Keys.Mar, null, null)); // newer and the brand's own
        Assert.Null(store.Index.Retailers.Find(key));
        Assert.Equal(0, store.Index.Retailers.Count);
    }

    [Fact]
    public void Restore_ReplaysVersionsInAnyOrder_ToTheRuleOfTheNewest()
    {
        using var store = new ConsentStore(Keys.Index(), new NoConsentRecordStore());
        var key = Keys.Random(new Random(5));
        var newer = Keys.Onay(Keys.Mar, Keys.Mar);
        var older = Keys.Onay(Keys.Jan, Keys.Jan);

        store.Restore(key, newer);
        store.RestoreRetailers(key, newer, RetailerRule.Create(501, []));
        store.Restore(key, older);
        store.RestoreRetailers(key, older, RetailerRule.Create(777, []));

        Assert.Equal(501u, store.Index.Retailers.Find(key)!.Owner);
    }

    [Fact]
    public void Restore_ALaterVersionWithTheSameStateAndNoRule_ClearsTheRule()
    {
        // In the durable log a later version of a key with the same state is one that beat the earlier by its evidence.
        using var store = new ConsentStore(Keys.Index(), new NoConsentRecordStore());
        var key = Keys.Random(new Random(6));
        var state = Keys.Onay(Keys.Feb, Keys.Feb);

        store.Restore(key, state);
        store.RestoreRetailers(key, state, RetailerRule.Create(501, []));
        store.Restore(key, state);

        Assert.Null(store.Index.Retailers.Find(key));
    }

    private static ConsentChange Change(ConsentKey key, ConsentTime at, string? retailer, string[]? access) =>
        new(key, new ConsentRecord { State = Keys.Onay(at, at), RetailerCode = retailer ?? string.Empty, RetailerAccess = access ?? [] });
}
