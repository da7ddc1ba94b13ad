using System.Buffers;

namespace SendGate.Feed.File;

/// <summary>
/// Complete lines of a file from a byte offset, in large sequential reads, without a string per
/// line. A last line without its newline is returned only when <c>includeUnterminated</c> says
/// so (the file is not being appended to); otherwise it waits for its newline.
/// </summary>
public sealed class JsonLinesReader(string path) : IDisposable
{
    private const int BufferSize = 1 << 20;
    private readonly FileStream _stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);

    public long Length => _stream.Length;

    /// <summary>How far the reads have got (for progress reports from another thread; approximate).</summary>
    public long Position => _stream.Position;

    /// <summary>Calls <paramref name="onLine"/> for each line from <paramref name="offset"/>; returns the offset after the last line consumed and how many lines that was.</summary>
    public (long Offset, long Lines) Read(long offset, bool includeUnterminated, LineHandler onLine, CancellationToken cancellationToken)
    {
        _stream.Position = offset;
        int filled = 0;
        long lines = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (filled == _buffer.Length)
            {
                // One line longer than the buffer: grow it (bounded by the line, not the file).
                var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                _buffer.AsSpan(0, filled).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            int read = _stream.Read(_buffer, filled, _buffer.Length - filled);
            filled += read;
            var data = _buffer.AsSpan(0, filled);
            int consumed = 0;
            while (true)
            {
                int newline = data[consumed..].IndexOf((byte)'\n');
                if (newline < 0)
                {
                    break;
                }

                onLine(TrimCarriageReturn(data.Slice(consumed, newline)));
                lines++;
                consumed += newline + 1;
            }

            offset += consumed;
            filled -= consumed;
            data[consumed..].CopyTo(_buffer);
            if (read == 0)
            {
                if (includeUnterminated && filled > 0)
                {
                    onLine(TrimCarriageReturn(_buffer.AsSpan(0, filled)));
                    lines++;
                    offset += filled;
                }

                return (offset, lines);
            }
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}

public delegate void LineHandler(ReadOnlySpan<byte> line);
