namespace SendGate.LoadDriver.Running;

/// <summary>How load is offered.</summary>
internal enum LoadModel
{
    /// <summary>Requests arrive on a fixed schedule whatever the server does (as traffic does); latency counts from the schedule.</summary>
    Open,

    /// <summary>A fixed number of callers, each sending its next request when the last is answered; latency counts from the send.</summary>
    Closed,
}

/// <summary>
/// The phases of a run: ramp (the rate, or the number of callers, rises linearly from zero),
/// warm-up (full load, not measured), then the measured duration.
/// </summary>
internal sealed record LoadPlan(LoadModel Model, double Rate, int Concurrency, TimeSpan Ramp, TimeSpan Warmup, TimeSpan Duration)
{
    public TimeSpan MeasureStart => Ramp + Warmup;

    public TimeSpan End => Ramp + Warmup + Duration;

    /// <summary>
    /// Open model: how many requests are due at or before <paramref name="elapsed"/> after the
    /// start — request <c>n</c> is due at <see cref="DueAt"/>(n), so request 0 at the start.
    /// </summary>
    public long DueBy(TimeSpan elapsed)
    {
        double t = elapsed.TotalSeconds;
        double ramp = Ramp.TotalSeconds;
        double offered = t < ramp ? Rate * t * t / (2 * ramp) : (Rate * ramp / 2) + (Rate * (t - ramp)); // the integral of the rate
        return t < 0 ? 0 : (long)Math.Floor(offered) + 1;
    }

    /// <summary>Open model: when request <paramref name="n"/> is due (the inverse of <see cref="DueBy"/>).</summary>
    public TimeSpan DueAt(long n)
    {
        double ramp = Ramp.TotalSeconds;
        double rampRequests = Rate * ramp / 2;
        double seconds = n < rampRequests ? Math.Sqrt(2 * n * ramp / Rate) : ramp + ((n - rampRequests) / Rate);
        return TimeSpan.FromSeconds(seconds);
    }
}
