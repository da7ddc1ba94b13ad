using FsCheck;
using FsCheck.Fluent;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Policy;

namespace SendGate.Core.Tests;

/// <summary>
/// The feed may deliver events twice, replay them, or reorder them: applying any permutation
/// of any sequence, with duplicates, must give the same state and the same decisions, and that
/// state must be the one the rule names (newest modification, RET on ties).
/// </summary>
public sealed class EventApplicationPropertyTests
{
    private const int Recipients = 2;
    private const int Keys = 4; // two recipients × two brands
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(500);

    // Small time ranges on purpose: they force equal times, the cases where order could leak through.
    private static readonly Gen<Event> EventGen =
        from isClosure in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
        from key in Gen.Choose(0, Keys - 1)
        from status in Gen.Elements(ConsentStatus.Onay, ConsentStatus.Ret)
        from consentDay in Gen.Choose(1, 4)
        from modifiedDay in Gen.Choose(1, 4)
        from tx in Gen.Elements("a", "b", "c")
        select new Event(isClosure, key, status, (uint)consentDay, (uint)modifiedDay, tx);

    private static readonly Arbitrary<(Event[] Original, Event[] Delivered)> Deliveries =
        (from events in Gen.ArrayOf(EventGen)
         from duplicates in Gen.SubListOf(events)
         from delivered in Gen.Shuffle(events.Concat(duplicates).ToArray())
         select (events, delivered)).ToArbitrary();

    [Fact]
    public void Apply_AnyOrderWithDuplicates_GivesTheSameStateAndDecisions()
    {
        Check.One(Config, Prop.ForAll(Deliveries, d =>
        {
            var inOrder = Model.Apply(d.Original);
            var delivered = Model.Apply(d.Delivered);
            Assert.True(inOrder.SameAs(delivered), "the delivered order changed the state or a decision");
        }));
    }

    [Fact]
    public void Apply_FinalRecord_IsTheNewestModificationWithRetWinningTies()
    {
        Check.One(Config, Prop.ForAll(Deliveries, d =>
        {
            var model = Model.Apply(d.Delivered);
            for (int key = 0; key < Keys; key++)
            {
                var expected = d.Original.Where(e => !e.IsClosure && e.Key == key)
                    .OrderByDescending(e => e.ModifiedDay).ThenByDescending(e => e.Status == ConsentStatus.Ret).ThenByDescending(e => e.ConsentDay)
                    .FirstOrDefault();
                model.Records.TryGetValue(key, out var actual);
                if (expected is null)
                {
                    Assert.Null(actual);
                    continue;
                }

                Assert.NotNull(actual);
                Assert.Equal(Day(expected.ModifiedDay), actual.ModifiedAt);
                Assert.Equal(expected.Status, actual.Status);
                Assert.Equal(Day(expected.ConsentDay), actual.ConsentDate);
            }
        }));
    }

    [Fact]
    public void Newest_IsCommutativeAssociativeAndIdempotent()
    {
        var states = (from e in EventGen select ConsentState.Create(e.Status, Day(e.ConsentDay), Day(e.ModifiedDay))).ToArbitrary();
        var triples = (from a in states.Generator from b in states.Generator from c in states.Generator select (a, b, c)).ToArbitrary();

        Check.One(Config, Prop.ForAll(triples, t =>
        {
            Assert.Equal(ConsentState.Newest(t.a, t.b), ConsentState.Newest(t.b, t.a));
            Assert.Equal(ConsentState.Newest(ConsentState.Newest(t.a, t.b), t.c), ConsentState.Newest(t.a, ConsentState.Newest(t.b, t.c)));
            Assert.Equal(t.a, ConsentState.Newest(t.a, t.a));
        }));
    }

    private static ConsentTime Day(uint day) => new(ConsentTime.EarliestValid.Seconds + (day * 86_400));

    private sealed record Event(bool IsClosure, int Key, ConsentStatus Status, uint ConsentDay, uint ModifiedDay, string Tx)
    {
        // One record instance per event, so duplicates are the same evidence.
        public ConsentRecord Record { get; } = new()
        {
            State = ConsentState.Create(Status, Day(ConsentDay), Day(ModifiedDay)),
            TransactionId = Tx,
            Source = "HS_WEB",
        };
    }

    private sealed class Model
    {
        public Dictionary<int, ConsentRecord> Records { get; } = [];

        public Dictionary<int, ConsentTime> Closures { get; } = [];

        public static Model Apply(IEnumerable<Event> events)
        {
            var model = new Model();
            foreach (var e in events)
            {
                int recipient = e.Key % Recipients;
                if (e.IsClosure)
                {
                    model.Closures[recipient] = LineClosureRule.Newest(model.Closures.GetValueOrDefault(recipient), Day(e.ConsentDay));
                }
                else
                {
                    model.Records[e.Key] = ConsentRecord.Newest(model.Records.GetValueOrDefault(e.Key), e.Record);
                }
            }

            return model;
        }

        public bool SameAs(Model other)
        {
            var commercial = DecisionContext.Create(MessageKind.Commercial, exemptSender: false, indexStale: false);
            for (int key = 0; key < Keys; key++)
            {
                Records.TryGetValue(key, out var mine);
                other.Records.TryGetValue(key, out var theirs);
                if (!Equals(mine, theirs))
                {
                    return false;
                }

                var closedAt = Closures.GetValueOrDefault(key % Recipients);
                if (closedAt != other.Closures.GetValueOrDefault(key % Recipients))
                {
                    return false;
                }

                var state = mine?.State ?? ConsentState.None;
                if (DecisionPolicy.Decide(commercial, true, state, closedAt) != DecisionPolicy.Decide(commercial, true, theirs?.State ?? ConsentState.None, closedAt))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
