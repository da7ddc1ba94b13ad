using System.Runtime.InteropServices;

namespace SendGate.Kafka;

/// <summary>
/// Points Confluent.Kafka at the operating system's librdkafka. The NuGet package that normally
/// ships it (librdkafka.redist) is replaced by an empty stand-in, so the names Confluent.Kafka
/// asks for ("librdkafka", "libdl") are mapped to the sonames Debian installs
/// (librdkafka.so.1 from librdkafka1, libdl.so.2 from libc6). Must run before the first client.
/// </summary>
public static class KafkaNative
{
    /// <summary>The soname Debian's librdkafka1 installs; override with Feed:Kafka:LibraryPath.</summary>
    public const string DefaultLibrary = "librdkafka.so.1";

    private static readonly Lock Gate = new();
    private static string? _library;

    public static void EnsureLoaded(string? libraryPath = null)
    {
        lock (Gate)
        {
            if (_library is not null)
            {
                return;
            }

            string library = string.IsNullOrWhiteSpace(libraryPath) ? DefaultLibrary : libraryPath;
            NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, (name, _, _) => Resolve(name, library));
            _library = library;
        }
    }

    private static IntPtr Resolve(string name, string library)
    {
        if (name.StartsWith("librdkafka", StringComparison.Ordinal))
        {
            return LoadOrExplain(library);
        }

        return name == "libdl" ? NativeLibrary.Load("libdl.so.2") : IntPtr.Zero;
    }

    private static IntPtr LoadOrExplain(string library)
    {
        try
        {
            return NativeLibrary.Load(library);
        }
        catch (DllNotFoundException exception)
        {
            throw new DllNotFoundException($"librdkafka ({library}) is not installed: run eng/kafka.sh install (apt-get install librdkafka1), or set Feed:Kafka:LibraryPath.", exception);
        }
    }

    /// <summary>The librdkafka version in use, e.g. "2.0.2" (loads the library).</summary>
    public static string Version
    {
        get
        {
            EnsureLoaded();
            return Confluent.Kafka.Library.VersionString;
        }
    }
}
