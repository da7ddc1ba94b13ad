using SendGate.LoadDriver.Running;

namespace SendGate.LoadDriver.Tests;

public sealed class LoadPlanTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void DueAt_IsTheInverseOfDueBy(double rampSeconds)
    {
        var plan = new LoadPlan(LoadModel.Open, Rate: 1_000, Concurrency: 10, TimeSpan.FromSeconds(rampSeconds), TimeSpan.Zero, TimeSpan.FromSeconds(5));
        for (long n = 0; n < 6_000; n += 7)
        {
            var at = plan.DueAt(n);
            Assert.True(plan.DueBy(at + TimeSpan.FromMilliseconds(0.01)) > n, $"request {n} due at {at} is not counted due just after");
            Assert.True(plan.DueBy(at - TimeSpan.FromMilliseconds(0.01)) <= n, $"request {n} due at {at} is counted due before");
        }
    }

    [Fact]
    public void Ramp_OffersHalfTheFullRate_OnAverage()
    {
        var plan = new LoadPlan(LoadModel.Open, Rate: 1_000, Concurrency: 10, TimeSpan.FromSeconds(4), TimeSpan.Zero, TimeSpan.FromSeconds(10));

        // Requests 0..n are due by the time the integral of the rate reaches n.
        Assert.Equal(1, plan.DueBy(TimeSpan.Zero));
        Assert.Equal(501, plan.DueBy(TimeSpan.FromSeconds(2)));
        Assert.Equal(2_001, plan.DueBy(TimeSpan.FromSeconds(4)));
        Assert.Equal(12_001, plan.DueBy(TimeSpan.FromSeconds(14)));
    }
}
