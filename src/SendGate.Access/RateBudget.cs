namespace SendGate.Access;

/// <summary>
/// A client's budget of recipients (or Explain calls) per second: a <see cref="TokenBucket"/> of one gate, or a
/// share of a fleet-wide budget (SendGate.Access.Redis). Taking is all or nothing and never waits.
/// </summary>
public interface IRateBudget
{
    /// <summary>The most that can be taken at once (the burst).</summary>
    long Capacity { get; }

    double RatePerSecond { get; }

    /// <summary>Takes <paramref name="count"/>, or nothing and says how long until it could (infinite: never, over the burst).</summary>
    bool TryTake(long count, out TimeSpan retryAfter);
}

/// <summary>Makes a client's budget: <paramref name="purpose"/> is "recipients" or "explains".</summary>
public delegate IRateBudget BudgetFactory(string client, string purpose, long capacity, double ratePerSecond);
