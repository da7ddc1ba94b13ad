using System.Buffers;

namespace SendGate.Iys;

/// <summary>
/// The lines of a file from a byte offset, in large sequential reads, without a string per line.
/// A last line without its newline is returned only when <c>includeUnterminated</c> says so
/// (the file is not being appended to); otherwise it waits for its newline. Not thread-safe.
/// </summary>
public sealed class LineReader : IDisposable
{
    private const int BufferSize = 1 << 20;
    private readonly FileStream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _start;
    private int _filled;
    private bool _endOfFile;

    /// <summary>Opens <paramref name="path"/> for reading from <paramref name="offset"/>, sharing it with writers.</summary>
    public LineReader(string path, long offset = 0)
    {
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
        _stream.Position = offset;
        Offset = offset;
    }

    /// <summary>The file's length now.</summary>
    public long Length => _stream.Length;

    /// <summary>The byte offset just after the last line returned.</summary>
    public long Offset { get; private set; }

    /// <summary>
    /// The next line (without its "\n" or "\r\n"), or false when no complete line is left — the
    /// unterminated tail too when <paramref name="includeUnterminated"/>. After false, a later
    /// call reads again whatever has been appended since.
    /// </summary>
    public bool TryReadLine(bool includeUnterminated, out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _filled - _start);
            int newline = pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = TrimCarriageReturn(pending[..newline]);
                Consume(newline + 1);
                return true;
            }

            if (_endOfFile)
            {
                _endOfFile = false; // the next call looks again: the file may have grown
                if (includeUnterminated && pending.Length > 0)
                {
                    line = TrimCarriageReturn(pending);
                    Consume(pending.Length);
                    return true;
                }

                line = default;
                return false;
            }

            Fill();
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }

    private void Consume(int bytes)
    {
        _start += bytes;
        Offset += bytes;
    }

    /// <summary>Moves the partial line to the front, grows the buffer for a line longer than it, reads more.</summary>
    private void Fill()
    {
        int pending = _filled - _start;
        if (pending == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(_start, pending).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        else
        {
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
        }

        _start = 0;
        _filled = pending;
        int read = _stream.Read(_buffer, _filled, _buffer.Length - _filled);
        _filled += read;
        _endOfFile = read == 0;
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}
