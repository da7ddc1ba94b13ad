using Confluent.Kafka;

namespace SendGate.Kafka;

/// <summary>
/// The acknowledgements of one group of messages — one request's, when several requests publish through one producer
/// at once: <see cref="CompleteAsync"/> finishes when every message produced through the tally has been acknowledged by
/// Kafka or has failed, and the counts say which. (The producer-wide <see cref="ConsentPublisher.Flush"/> waits for
/// everyone's messages; a request must answer for its own.)
/// </summary>
public sealed class DeliveryTally
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _outstanding = 1; // the group itself, until CompleteAsync: nothing completes while messages are still being added
    private int _failed;
    private string? _firstFailure;

    public int Failed => Volatile.Read(ref _failed);

    public string? FirstFailure => Volatile.Read(ref _firstFailure);

    /// <summary>No more messages will be added: waits for the acknowledgement (or failure) of every one added.</summary>
    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        Release();
        return _done.Task.WaitAsync(cancellationToken);
    }

    internal void Produced() => Interlocked.Increment(ref _outstanding);

    internal void Delivered(Error error)
    {
        if (error.IsError)
        {
            Interlocked.Increment(ref _failed);
            Interlocked.CompareExchange(ref _firstFailure, error.Reason, null);
        }

        Release();
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _outstanding) == 0)
        {
            _done.TrySetResult();
        }
    }
}
