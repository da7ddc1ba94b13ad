using System.Runtime.InteropServices;

namespace SendGate.Index.Table;

/// <summary>
/// Big zeroed blocks for the index, outside the GC heap: on Linux an anonymous mmap aligned to
/// 2 MiB and advised for transparent huge pages (a random lookup over gigabytes otherwise pays a
/// TLB miss and page walk on top of its cache miss); elsewhere an aligned native allocation.
/// </summary>
internal sealed unsafe partial class LargeMemory : IDisposable
{
    private const nuint HugePage = 2 * 1024 * 1024;
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 2;
    private const int MapAnonymous = 0x20;
    private const int MadvHugePage = 14;

    private readonly void* _mapping;
    private readonly nuint _mappingLength;
    private bool _disposed;

    public LargeMemory(nuint length)
    {
        Length = length;
        if (OperatingSystem.IsLinux())
        {
            _mappingLength = length + HugePage;
            _mapping = Mmap(null, _mappingLength, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            if (_mapping == (void*)-1)
            {
                throw new InsufficientMemoryException($"mmap of {_mappingLength} bytes failed (errno {Marshal.GetLastPInvokeError()}).");
            }

            Pointer = (void*)(((nuint)_mapping + HugePage - 1) & ~(HugePage - 1));
            _ = Madvise(Pointer, length, MadvHugePage); // advisory: without THP the pages are simply 4 KiB
        }
        else
        {
            Pointer = NativeMemory.AlignedAlloc(length, 4096);
            NativeMemory.Clear(Pointer, length);
        }

        GC.AddMemoryPressure((long)length);
    }

    ~LargeMemory() => Free();

    /// <summary>The start of the block, aligned to at least 4 KiB (2 MiB on Linux).</summary>
    public void* Pointer { get; }

    public nuint Length { get; }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (OperatingSystem.IsLinux())
        {
            _ = Munmap(_mapping, _mappingLength);
        }
        else
        {
            NativeMemory.AlignedFree(Pointer);
        }

        GC.RemoveMemoryPressure((long)Length);
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(void* address, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
