using System.Diagnostics;
using SendGate.Tests.Support;

namespace SendGate.Iys.Sync.Tests;

/// <summary>
/// The connector as its own process (<c>dotnet sendgate.dll iys sync</c>, the long-lived worker), killed with SIGKILL
/// at random points of its progress (a random number of events past the last kill): after every kill, each stored cursor covers only changes Kafka holds (it never runs ahead), and
/// once a last run catches up, every change İYS gave is on the topic — none lost.
/// </summary>
[Collection(SharedBroker.Name)]
public sealed class CrashTests(KafkaBroker broker)
{
    private static readonly string[] Sources = ["HS", "IYS"];

    [Fact]
    public async Task KillNine_AtAnyMoment_LosesNoChange_AndTheCursorNeverRunsAheadOfKafka()
    {
        await using var rig = await SyncRig.StartAsync(broker, "iys-crash");
        var history = ConsentHistory.Generate(DateTimeOffset.UtcNow, recipients: 1500, [123457], seed: 11);
        ConsentHistory.Seed(rig.Iys, history);
        int admin = GateHost.FreePort();
        string config = rig.Config(pageSize: 20, adminUrl: $"http://127.0.0.1:{admin}");
        rig.Iys.Faults.SlowNext(int.MaxValue / 2, TimeSpan.FromMilliseconds(15)); // ~150 pages at a human pace: kills land mid-stream
        var random = new Random(7);
        bool sawMetrics = false;
        int midStream = 0;

        for (int kill = 0; kill < 4; kill++)
        {
            using var process = Start(config);
            // Killed once the worker has moved its HS cursor past a random number of events: mid-stream by construction.
            long past = Events(rig) + random.Next(40, 300);
            for (int poll = 0; poll < 1200 && Events(rig) < past && !process.HasExited; poll++)
            {
                sawMetrics |= await MetricsShowCursorAgeAsync(admin);
                await Task.Delay(25);
            }

            process.Kill();
            await process.WaitForExitAsync();

            var onTopic = rig.Published().Select(e => e.ConsentChanged.TransactionId).ToHashSet();
            foreach (string source in Sources)
            {
                string cursor = SyncRig.StoredCursor(rig.CursorPath, 123457, source);
                var covered = rig.Iys.TransactionsUpTo(123457, source, cursor.Length == 0 ? null : cursor);
                Assert.All(covered, transaction => Assert.Contains(transaction, onTopic));
                midStream += source == "HS" && covered.Count > 0 && covered.Count < history.Count(h => h.Consent.Source != "IYS_WEB") ? 1 : 0;
            }
        }

        var (exit, output, error) = await rig.SyncOnceAsync(config);
        Assert.True(exit == 0, output + error);
        Assert.True(midStream >= 1, "no kill landed while the connector was part-way through İYS's changes");
        Assert.True(sawMetrics, "the worker's /metrics showed no sendgate_iys_cursor_age_seconds; it said:\n" + Output);
        var published = rig.Published().Select(e => e.ConsentChanged.TransactionId).ToHashSet();
        Assert.All(history, change => Assert.Contains(change.TransactionId, published));
    }

    /// <summary>Events the HS cursor file says were published (0 before the first page).</summary>
    private static long Events(SyncRig rig)
    {
        string path = Path.Combine(rig.CursorPath, "123457-HS.cursor.json");
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.GetProperty("events").GetInt64();
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return 0; // not written yet (the file is replaced by a rename, never seen half-written)
        }
    }

    private static Process Start(string config)
    {
        // The CLI from its own build output (same configuration as this test's): its deps.json describes that folder, not this one.
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        string cli = Path.Combine(ExternalProgram.RepoRoot(), "src", "SendGate.Cli", "bin", configuration, "net10.0", "sendgate.dll");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(cli)! };
        foreach (string argument in new[] { cli, "iys", "sync", "--config", config })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the connector did not start");
        process.OutputDataReceived += (_, line) => Log(line.Data);
        process.ErrorDataReceived += (_, line) => Log(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static readonly System.Text.StringBuilder Output = new();

    private static void Log(string? line)
    {
        lock (Output)
        {
            Output.AppendLine(line);
        }
    }

    private static async Task<bool> MetricsShowCursorAgeAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        try
        {
            string text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
            return text.Contains("sendgate_iys_cursor_age_seconds{", StringComparison.Ordinal) && text.Contains("source=\"HS\"", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
