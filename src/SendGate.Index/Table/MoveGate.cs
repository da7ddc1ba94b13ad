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

    /// <summary>Inserts that waited for a snapshot (a writer held up: the observable cost of a concurrent snapshot).</summary>
    public long Waits => Interlocked.Read(ref _waits);

    /// <summary>How long the writer has waited here in all.</summary>
    public TimeSpan Waited => TimeSpan.FromTicks(Interlocked.Read(ref _waitedTicks));

    public bool IsOpen => _open.IsSet;

    /// <summary>Writer, before a move: returns at once unless a snapshot is being copied.</summary>
    public void PassBeforeMoving()
    {
        if (!_open.IsSet)
        {
            Interlocked.Increment(ref _waits);
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            _open.Wait();
            Interlocked.Add(ref _waitedTicks, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks);
        }
    }

    public void Close() => _open.Reset();

    public void Open() => _open.Set();

    public void Dispose() => _open.Dispose();
}
