using System.Globalization;

namespace SendGate.Audit;

/// <summary>
/// JSON Lines files in one directory: decisions-&lt;UTC start&gt;.jsonl, a new one past
/// <see cref="DecisionLogOptions.MaxFileBytes"/>, the oldest deleted beyond
/// <see cref="DecisionLogOptions.MaxFiles"/>. Lines reach the OS at every flush (when the queue
/// drains) and the disk when a file is closed; a crash loses at most what the OS had not written.
/// </summary>
public sealed class RotatingFileSink : IDecisionSink
{
    private const string Pattern = "decisions-*.jsonl";
    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly int _maxFiles;
    private FileStream? _file;
    private int _sequence;

    public RotatingFileSink(DecisionLogOptions options)
    {
        _directory = Path.GetFullPath(options.Directory!);
        _maxBytes = options.MaxFileBytes;
        _maxFiles = options.MaxFiles;
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The file being written, if any.</summary>
    public string? CurrentPath => _file?.Name;

    public void Write(ReadOnlySpan<byte> json, DecisionRecord record)
    {
        if (_file is null || _file.Length + json.Length + 1 > _maxBytes)
        {
            Rotate();
        }

        _file!.Write(json);
        _file.WriteByte((byte)'\n');
    }

    public void Flush() => _file?.Flush(flushToDisk: false);

    public void Dispose() => Close();

    private void Rotate()
    {
        Close();
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string path = Path.Combine(_directory, $"decisions-{stamp}-{_sequence++:D4}.jsonl");
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        var files = Directory.GetFiles(_directory, Pattern).Order(StringComparer.Ordinal).ToArray();
        foreach (string old in files.Take(Math.Max(0, files.Length - _maxFiles)))
        {
            File.Delete(old);
        }
    }

    private void Close()
    {
        if (_file is not null)
        {
            _file.Flush(flushToDisk: true);
            _file.Dispose();
            _file = null;
        }
    }
}
