using SendGate.Tests.Support;

namespace SendGate.Access.Redis.Tests;

/// <summary>A private Redis (or Garnet) on a free loopback port, run by eng/redis.sh; <see cref="KillAsync"/> is an outage.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sendgate-redis-").FullName;
    private readonly string _kind;

    private RedisServer(string kind) => _kind = kind;

    public int Port { get; } = GateHost.FreePort();

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(string kind = "redis")
    {
        var server = new RedisServer(kind);
        await server.RestartAsync();
        return server;
    }

    public Task RestartAsync() => Script("start", _directory, Port.ToString(System.Globalization.CultureInfo.InvariantCulture), _kind);

    public Task KillAsync() => Script("kill", _directory);

    public async ValueTask DisposeAsync()
    {
        await Script("stop", _directory);
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task Script(params string[] arguments)
    {
        string root = ExternalProgram.RepoRoot();
        var (exit, output) = await ExternalProgram.RunAsync("bash", [Path.Combine(root, "eng", "redis.sh"), .. arguments], root, TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"eng/redis.sh {string.Join(' ', arguments)} failed ({exit}):\n{output}");
    }
}
