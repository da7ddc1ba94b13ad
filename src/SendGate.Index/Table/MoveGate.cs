namespace SendGate.Index.Table;

/// <summary>
/// Lets a snapshot copy a table while its writer goes on: in-place value changes and inserts into free slots are
/// safe to copy mid-way (a slot is published value first, then tag; values only move forward by the Core rules, and
/// the feed re-applies everything after the snapshot's position on recovery), but a cuckoo move is not — an entry
/// moved from a bucket not yet copied into one already copied would be in neither copy. While the gate is closed,
/// an insert that needs a move goes to the table's stash (<see cref="GenerationalTable"/>), and waits for the gate
/// to open only when the stash is full.
/// </summary>
internal sealed class MoveGate : IDisposable
{
    private readonly ManualResetEventSlim _open = new(initialState: true);
    private long _waits;
    private long _waitedTicks;
    private long _waitingSince; // the writer's wait in progress (a Stopwatch timestamp), 0 when none

    /// <summary>Inserts that waited for a snapshot (a writer held up: the observable cost of a concurrent snapshot).</summary>
    public long Waits => Interlocked.Read(ref _waits);

    /// <summary>
    /// How long the writer has waited here in all — a wait the gate's opening ended included, whether or not the writer
    /// has run since: the snapshot reads this right after opening the gate, and reports it as what the feed waited.
    /// </summary>
    public TimeSpan Waited => TimeSpan.FromTicks(Interlocked.Read(ref _waitedTicks));

    public bool IsOpen => _open.IsSet;

    /// <summary>Whether the writer is waiting at the gate now.</summary>
    internal bool WriterWaiting => Interlocked.Read(ref _waitingSince) != 0;

    /// <summary>Writer, before a move: returns at once unless a snapshot is being copied.</summary>
    public void PassBeforeMoving()
    {
        if (!_open.IsSet)
        {
            Interlocked.Increment(ref _waits);
            Interlocked.Exchange(ref _waitingSince, System.Diagnostics.Stopwatch.GetTimestamp());
            _open.Wait();
            CountWait(); // unless Open counted it (it had not seen the wait begin)
        }
    }

    public void Close() => _open.Reset();

    /// <summary>
    /// Opens the gate, counting the writer's wait first: the writer thread may not run again for a while after it is let
    /// go (a busy machine), and the wait must be in <see cref="Waited"/> when the opener reads it.
    /// </summary>
    public void Open()
    {
        CountWait();
        _open.Set();
    }

    public void Dispose() => _open.Dispose();

    // Whoever takes the start first — the opener or the writer let go — counts the wait, once.
    private void CountWait()
    {
        long since = Interlocked.Exchange(ref _waitingSince, 0);
        if (since != 0)
        {
            Interlocked.Add(ref _waitedTicks, System.Diagnostics.Stopwatch.GetElapsedTime(since).Ticks);
        }
    }
}
