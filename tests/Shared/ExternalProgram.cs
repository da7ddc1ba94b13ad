using System.Diagnostics;
using System.Text;

namespace SendGate.Tests.Support;

/// <summary>Runs programs nobody here wrote (Python, Node, protoc) from tests, with a time limit and their output captured.</summary>
internal static class ExternalProgram
{
    public static async Task<(int Exit, string Output)> RunAsync(string program, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? limit = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? string.Empty };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"{program} is not installed: run eng/install-test-deps.sh", exception);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromMinutes(3));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} ran past its time limit.");
            }

            var output = new StringBuilder().Append(await stdout).Append("\n--- stderr ---\n").Append(await stderr);
            return (process.ExitCode, output.ToString());
        }
    }

    /// <summary>The repository root (where SendGate.sln is), found from the test's output folder.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SendGate.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SendGate.sln not found above " + AppContext.BaseDirectory);
    }
}
