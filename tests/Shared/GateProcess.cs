using System.Diagnostics;
using System.Text.Json;

namespace SendGate.Tests.Support;

/// <summary>
/// The gate as its own process (<c>dotnet sendgate-server.dll</c> from the test's output folder),
/// configured by environment variables as a deployment would, so that it can be killed with
/// SIGKILL mid-flight. Its console log is kept line by line.
/// </summary>
internal sealed class GateProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Action<string>? _watch;

    private GateProcess(Process process, Uri admin, Uri address)
    {
        _process = process;
        Admin = admin;
        Address = address;
        _process.OutputDataReceived += (_, e) => Received(e.Data);
        _process.ErrorDataReceived += (_, e) => Received(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Admin { get; }

    /// <summary>The gRPC endpoint (h2c).</summary>
    public Uri Address { get; }

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public static GateProcess Start(IReadOnlyDictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sendgate-server.dll"));
        int adminPort = GateHost.FreePort(), grpcPort = GateHost.FreePort();
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Urls"] = $"http://127.0.0.1:{grpcPort}";
        start.Environment["Admin__Url"] = $"http://127.0.0.1:{adminPort}";
        start.Environment["Hashing__Key"] = GateHost.KeyBase64;
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (name, value) in settings)
        {
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new GateProcess(Process.Start(start) ?? throw new InvalidOperationException("the gate did not start"), new Uri($"http://127.0.0.1:{adminPort}"), new Uri($"http://127.0.0.1:{grpcPort}"));
    }

    /// <summary>SIGKILL: no shutdown hook, no final checkpoint, no flush. Returns at once (safe from a <see cref="Watch"/> callback).</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
    }

    /// <summary>SIGKILL, then waits for the process to be gone.</summary>
    public void KillHard()
    {
        Kill();
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as an orchestrator stops a pod: graceful shutdown with a final checkpoint.</summary>
    public void Terminate()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        if (!_process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException("the gate did not stop within 60 s of SIGTERM:\n" + string.Join('\n', Lines.TakeLast(20)));
        }
    }

    /// <summary>Calls <paramref name="watch"/> with every line logged from now on (on the reader's thread).</summary>
    public void Watch(Action<string> watch) => _watch = watch;

    /// <summary>Returns once /readyz answers 200 (the feed caught up); fails with the log's end when the gate exits or hangs.</summary>
    public async Task ReadyAsync(TimeSpan patience)
    {
        using var giveUp = new CancellationTokenSource(patience);
        while (!giveUp.IsCancellationRequested && !_process.HasExited)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(Admin, "/readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the gate did not become ready; its log ends:\n{string.Join('\n', Lines.TakeLast(30))}");
    }

    /// <summary>
    /// Polls /admin/digest until <paramref name="done"/> holds. <paramref name="patience"/> only
    /// bounds a hang (then the failure shows the gate's last log lines); it asserts no speed.
    /// </summary>
    public async Task<JsonElement> DigestWhenAsync(Func<JsonElement, bool> done, TimeSpan patience)
    {
        using var giveUp = new CancellationTokenSource(patience);
        JsonElement last = default;
        while (!giveUp.IsCancellationRequested && !_process.HasExited)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(Admin, "/admin/digest"));
                if (response.IsSuccessStatusCode)
                {
                    last = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                    if (done(last))
                    {
                        return last;
                    }
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"the gate's digest did not reach the expected state (gave up after {patience}; last: {last}); its log ends:\n{string.Join('\n', Lines.TakeLast(30))}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        _http.Dispose();
    }

    private void Received(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }

        _watch?.Invoke(line);
    }
}
