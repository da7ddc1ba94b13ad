using SendGate.Server.Observability;

namespace SendGate.Server.Hosting;

/// <summary>
/// .NET sizes its young generation from the CPU's last-level cache. Some virtual machines report
/// no cache at all (no <c>/sys/devices/system/cpu/cpu0/cache</c>); the GC then falls back to a
/// budget of a few MB and collects so often that catching up from a feed runs at a fraction of
/// its rate (docs/performance.md: 0.48 M against 0.76 M events/s here). The budget can only be
/// set before the runtime starts — by <c>DOTNET_GCgen0size</c>, as deploy/ does — so the gate
/// says so at start when it would help.
/// </summary>
internal static class YoungGenerationCheck
{
    private const string Variable = "DOTNET_GCgen0size";

    public static void Run(ILogger logger)
    {
        if (!OperatingSystem.IsLinux() || IsSet(Variable) || IsSet("COMPlus_GCgen0size") || Directory.Exists("/sys/devices/system/cpu/cpu0/cache"))
        {
            return;
        }

        ServerLog.NoCacheSizes(logger, Variable);
    }

    private static bool IsSet(string name) => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name));
}
