namespace SendGate.Index.Table;

/// <summary>What became of an insert into a <see cref="Generation"/>.</summary>
internal enum InsertOutcome
{
    Inserted,

    /// <summary>Both candidate buckets are full and moves were not allowed.</summary>
    NeedsMove,

    /// <summary>The generation is at its load bound, or no cuckoo path was found.</summary>
    Full,
}
