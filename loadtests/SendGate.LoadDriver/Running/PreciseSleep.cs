using System.Runtime.InteropServices;

namespace SendGate.LoadDriver.Running;

/// <summary>
/// Sleeping to well under a millisecond without spinning a core: the open model's schedule must
/// not be the driver's timer. Measured on the 2-core VM: Task.Delay(1) takes ~4.5 ms,
/// Thread.Sleep(1) ~1.1 ms, usleep(200) ~0.3 ms. Elsewhere than Linux and macOS: Thread.Sleep.
/// </summary>
internal static partial class PreciseSleep
{
    /// <summary>The wake-up overshoot usleep shows here; sleeping this much less lands close to the target.</summary>
    private static readonly TimeSpan Overshoot = TimeSpan.FromMicroseconds(100);

    public static void For(TimeSpan span)
    {
        var sleep = span - Overshoot;
        if (sleep <= TimeSpan.Zero)
        {
            Thread.Yield();
        }
        else if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = USleep((uint)Math.Min(sleep.TotalMicroseconds, 1_000_000));
        }
        else
        {
            Thread.Sleep(sleep);
        }
    }

    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int USleep(uint microseconds);
}
