namespace SendGate.Index.Table;

/// <summary>
/// Where an insert that needs a cuckoo move goes while a snapshot copies the table (<see cref="MoveGate"/> closed),
/// instead of waiting for the copy to end: a small open-addressing map of (tag, hash) to value, linear probing,
/// written by the table's one writer and read by anyone. Readers look here for the keys the generations lack; the
/// writer moves the entries into the table once the copy is over (<see cref="GenerationalTable"/>). An entry is
/// published as in the table — hash and value first, then the tag — and never removed: a drained stash is dropped
/// whole.
/// </summary>
internal sealed class Stash
{
    private readonly ulong[] _tags;
    private readonly ulong[] _hashes;
    private readonly ulong[] _values;
    private readonly int _mask;
    private readonly int _limit;
    private int _count;

    /// <param name="capacity">Slots, a power of two; at most three quarters are filled.</param>
    public Stash(int capacity)
    {
        _tags = new ulong[capacity];
        _hashes = new ulong[capacity];
        _values = new ulong[capacity];
        _mask = capacity - 1;
        _limit = capacity / 4 * 3;
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Writer: adds an entry for a key not held anywhere; false when the stash is full.</summary>
    public bool TryAdd(ulong tag, ulong hash, ulong value)
    {
        if (_count >= _limit)
        {
            return false;
        }

        int i = Start(tag, hash);
        while (_tags[i] != 0)
        {
            i = (i + 1) & _mask;
        }

        _hashes[i] = hash;
        _values[i] = value;
        Volatile.Write(ref _tags[i], tag);
        Volatile.Write(ref _count, _count + 1);
        return true;
    }

    /// <summary>The slot of (tag, hash), or −1.</summary>
    public int IndexOf(ulong tag, ulong hash)
    {
        for (int i = Start(tag, hash); ; i = (i + 1) & _mask)
        {
            ulong stored = Volatile.Read(ref _tags[i]);
            if (stored == 0)
            {
                return -1;
            }

            if (stored == tag && _hashes[i] == hash)
            {
                return i;
            }
        }
    }

    /// <summary>A reader's lookup: the value stored for (tag, hash), or 0.</summary>
    public ulong Find(ulong tag, ulong hash)
    {
        int i = IndexOf(tag, hash);
        return i < 0 ? 0 : Volatile.Read(ref _values[i]);
    }

    public ulong ValueAt(int index) => _values[index];

    /// <summary>Writer: changes an entry's value in place (one aligned 64-bit store).</summary>
    public void SetValueAt(int index, ulong value) => Volatile.Write(ref _values[index], value);

    /// <summary>Writer: every entry, to be moved into the table.</summary>
    public IEnumerable<(ulong Tag, ulong Hash, ulong Value)> Entries()
    {
        for (int i = 0; i < _tags.Length; i++)
        {
            if (_tags[i] != 0)
            {
                yield return (_tags[i], _hashes[i], _values[i]);
            }
        }
    }

    private int Start(ulong tag, ulong hash) => (int)((tag ^ (hash >> 17)) & (ulong)_mask);
}
