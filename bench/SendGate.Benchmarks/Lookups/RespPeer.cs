using System.Diagnostics;
using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace SendGate.Benchmarks.Lookups;

/// <summary>
/// The same tuples in a Redis-protocol server (Redis 7 or Garnet), modelled the way a Redis user
/// would: one set per partition (<c>sg:{brand}:{channel}:{type}</c>) whose members are the
/// 16-byte recipient keys; a batch of 1,000 is one <c>SMISMEMBER</c>, and every batch of a run is
/// pipelined on one connection (StackExchange.Redis 3.x, sent before the first reply is awaited),
/// and the same commands through Redis's own C client (<see cref="CClientLookupsPerSecond"/>).
/// The server is started by bench/peers.sh; its address comes from the environment. Loading
/// 10^8 members takes minutes, so a loaded dataset is marked and reused by the next benchmark
/// process that asks for the same one.
/// </summary>
internal sealed class RespPeer : IDisposable
{
    private const string Marker = "sg:bench:dataset";
    private const int LoadWindow = 64;
    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly object[][] _commands;
    private readonly string _endpoint;
    private readonly int _queries;

    public RespPeer(string name, string variable, LookupWorkload workload)
    {
        string endpoint = Environment.GetEnvironmentVariable(variable)
            ?? throw new InvalidOperationException($"{name}: set {variable}=host:port, or run the benchmarks through bench/peers.sh, which starts {name} and sets it.");
        _endpoint = endpoint;
        _queries = workload.Queries.Length;
        _connection = ConnectionMultiplexer.Connect($"{endpoint},allowAdmin=true,syncTimeout=600000,abortConnect=true");
        _database = _connection.GetDatabase();
        _commands = new object[workload.BatchCount][];
        for (int b = 0; b < workload.BatchCount; b++)
        {
            var batch = workload.Batch(b);
            var command = new object[batch.Length + 1];
            command[0] = SetName(LookupWorkload.PartitionOf(batch[0]));
            for (int i = 0; i < batch.Length; i++)
            {
                command[i + 1] = batch[i].Recipient.ToArray();
            }

            _commands[b] = command;
        }

        Bytes = LoadOnce(endpoint, workload.Tuples);
    }

    /// <summary>Growth of the server's resident memory while the dataset was loaded (INFO memory).</summary>
    public long Bytes { get; }

    public long Lookup()
    {
        var replies = new Task<RedisResult>[_commands.Length];
        for (int b = 0; b < _commands.Length; b++)
        {
            replies[b] = _database.ExecuteAsync("SMISMEMBER", _commands[b]);
        }

        long found = 0;
        foreach (var reply in replies)
        {
            foreach (var member in (RedisResult[])reply.GetAwaiter().GetResult()!)
            {
                found += (long)member;
            }
        }

        return found;
    }

    /// <summary>
    /// The same commands through redis-cli --pipe (Redis's C client: one connection, everything
    /// pipelined, replies counted), lookups per second, best of three; process start included
    /// (milliseconds against the half second 2^20 lookups take). The server's rate, without
    /// StackExchange.Redis's costs.
    /// </summary>
    public double CClientLookupsPerSecond()
    {
        string file = Path.Combine(Path.GetTempPath(), $"sendgate-bench-{Environment.ProcessId}.resp");
        WriteResp(file);
        try
        {
            int colon = _endpoint.LastIndexOf(':');
            double best = 0;
            for (int run = 0; run < 3; run++)
            {
                var start = new ProcessStartInfo("sh", ["-c", "exec redis-cli -h \"$1\" -p \"$2\" --pipe < \"$3\"", "sh", _endpoint[..colon], _endpoint[(colon + 1)..], file])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                var stopwatch = Stopwatch.StartNew();
                using var process = Process.Start(start)!;
                string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
                process.WaitForExit();
                stopwatch.Stop();
                if (process.ExitCode != 0 || !output.Contains($"errors: 0, replies: {_commands.Length}", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"redis-cli --pipe against {_endpoint} (exit {process.ExitCode}): {output}");
                }

                best = Math.Max(best, _queries / stopwatch.Elapsed.TotalSeconds);
            }

            return best;
        }
        finally
        {
            File.Delete(file);
        }
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>The lookup commands in RESP, as a client sends them (binary-safe bulk strings).</summary>
    private void WriteResp(string file)
    {
        using var output = new BufferedStream(File.Create(file), 1 << 20);
        void Bulk(ReadOnlySpan<byte> value)
        {
            output.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"${value.Length}\r\n")));
            output.Write(value);
            output.Write("\r\n"u8);
        }

        foreach (var command in _commands)
        {
            output.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"*{command.Length + 1}\r\n")));
            Bulk("SMISMEMBER"u8);
            Bulk(Encoding.ASCII.GetBytes((string)command[0]));
            for (int i = 1; i < command.Length; i++)
            {
                Bulk((byte[])command[i]);
            }
        }
    }

    private static string SetName(int partition)
    {
        var key = LookupWorkload.Key(partition, default);
        return string.Create(CultureInfo.InvariantCulture, $"sg:{key.BrandCode}:{(int)key.Channel}:{(int)key.RecipientType}");
    }

    private long LoadOnce(string endpoint, long tuples)
    {
        string wanted = string.Create(CultureInfo.InvariantCulture, $"{tuples}");
        string? marker = _database.StringGet(Marker);
        if (marker is not null && marker.StartsWith(wanted + "|", StringComparison.Ordinal))
        {
            return long.Parse(marker.AsSpan(wanted.Length + 1), CultureInfo.InvariantCulture);
        }

        var server = _connection.GetServer(endpoint);
        server.FlushAllDatabases();
        long before = ResidentBytes(server);
        var pending = new List<object>?[LookupWorkload.Partitions];
        var inFlight = new Queue<Task>();
        for (long i = 0; i < tuples; i++)
        {
            int partition = LookupWorkload.PartitionOf(i);
            var members = pending[partition] ??= new List<object>(LookupWorkload.BatchSize + 1) { SetName(partition) };
            members.Add(LookupWorkload.Recipient(i).ToArray());
            if (members.Count > LookupWorkload.BatchSize)
            {
                Send(members);
                pending[partition] = null;
            }
        }

        foreach (var members in pending.Where(m => m is not null))
        {
            Send(members!);
        }

        Task.WaitAll([.. inFlight]);
        long bytes = ResidentBytes(server) - before;
        _database.StringSet(Marker, string.Create(CultureInfo.InvariantCulture, $"{tuples}|{bytes}"));
        return bytes;

        void Send(List<object> members)
        {
            inFlight.Enqueue(_database.ExecuteAsync("SADD", [.. members]));
            while (inFlight.Count > LoadWindow)
            {
                inFlight.Dequeue().GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>Resident memory as the server reports it: Redis's used_memory_rss, Garnet's proc_physical_memory_size.</summary>
    private static long ResidentBytes(IServer server)
    {
        var fields = server.Info("memory").SelectMany(group => group).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        string value = fields.GetValueOrDefault("used_memory_rss") ?? fields.GetValueOrDefault("proc_physical_memory_size")
            ?? throw new InvalidOperationException("INFO memory reports neither used_memory_rss nor proc_physical_memory_size.");
        return long.Parse(value, CultureInfo.InvariantCulture);
    }
}
