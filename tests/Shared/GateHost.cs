using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SendGate.Core.Hashing;
using SendGate.Feed.Status;
using Grpc.Health.V1;
using Grpc.Net.Client;
using SendGate.Client;
using SendGate.Contracts.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SendGate.Server.Hosting;

namespace SendGate.Tests.Support;

/// <summary>The real gate host on 127.0.0.1 (random ports), serving a consent file written for the test.</summary>
public sealed class GateHost : IAsyncDisposable
{
    public const string KeyBase64 = "c2VuZGdhdGUtdGVzdGtleQ=="; // "sendgate-testkey": a test key, not the development key

    private readonly WebApplication _app;
    private readonly string _directory;

    private GateHost(WebApplication app, string directory, string consentsPath, Uri address, Uri admin)
    {
        _app = app;
        _directory = directory;
        ConsentsPath = consentsPath;
        Address = address;
        Admin = admin;
        // No retries: a test sees each refusal as the gate sent it.
        Channel = GateChannel.Create(new GateClientOptions { Address = address, AcceptAnyServerCertificate = address.Scheme == "https", MaxAttempts = 1 });
        Gate = new Gate.GateClient(Channel);
        Health = new Health.HealthClient(Channel);
    }

    public Uri Address { get; }

    public Uri Admin { get; }

    public string ConsentsPath { get; }

    public GrpcChannel Channel { get; }

    public Gate.GateClient Gate { get; }

    public Health.HealthClient Health { get; }

    public static RecipientHasher Hasher { get; } = new(HashingKey.ParseBase64(KeyBase64));

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts the gate on <paramref name="urls"/> (port 0: any free one; https:// needs Grpc:Tls
    /// settings); with <paramref name="waitUntilReady"/>, returns once the feed has caught up.
    /// </summary>
    /// <param name="consents">The consent file's text (İYS JSON Lines).</param>
    /// <param name="settings">Configuration over the test defaults.</param>
    /// <param name="waitUntilReady">Return once the feed has caught up.</param>
    /// <param name="urls">The gRPC listeners.</param>
    /// <param name="services">Registered after the gate's services: a <c>FakeTimeProvider</c> as the clock, fake logging.</param>
    public static async Task<GateHost> StartAsync(string consents, Dictionary<string, string?>? settings = null, bool waitUntilReady = true, string urls = "http://127.0.0.1:0", Action<IServiceCollection>? services = null)
    {
        string directory = Directory.CreateTempSubdirectory("sendgate-gate-").FullName;
        string path = Path.Combine(directory, "consents.jsonl");
        await File.WriteAllTextAsync(path, consents);
        var configuration = new Dictionary<string, string?>
        {
            ["Hashing:Key"] = KeyBase64,
            ["Feed:File:PollInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Policy:ExemptIysCodes:0"] = "999999",
        };
        foreach (var (key, value) in settings ?? [])
        {
            configuration[key] = value;
        }

        WebApplication app;
        int adminPort;
        for (int attempt = 1; ; attempt++)
        {
            adminPort = FreePort();
            app = SendGateHost.Build(
                ["--urls", urls, "--consents", path, "--admin-url", $"http://127.0.0.1:{adminPort}"],
                config => config.AddInMemoryCollection(configuration),
                services);
            try
            {
                await app.StartAsync();
                break;
            }
            catch (IOException) when (attempt < 3)
            {
                // Another test bound the admin port between FreePort and this start: take another.
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }

        if (waitUntilReady)
        {
            await app.Services.GetRequiredService<FeedStatus>().CaughtUp.WaitAsync(TimeSpan.FromSeconds(60));
        }

        // The gRPC TCP endpoint (a Unix socket, when also asked for, is reached by its path).
        var grpc = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Where(a => !a.Contains("unix:", StringComparison.Ordinal)).Select(a => new Uri(a)).Single(a => a.Port != adminPort);
        return new GateHost(app, directory, path, grpc, new Uri($"http://127.0.0.1:{adminPort}"));
    }

    /// <summary>Appends lines to the consent file and waits until the feed has read them.</summary>
    public async Task AppendAsync(string lines)
    {
        var status = Services.GetRequiredService<FeedStatus>();
        long before = status.Current.Positions.Sum(p => p.Offset);
        int added = lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        await File.AppendAllTextAsync(ConsentsPath, lines);
        await OffsetsAsync(before + added);
    }

    /// <summary>
    /// Waits until the feed's published positions add up to <paramref name="total"/> (lines for a
    /// file, offsets for Kafka): the watermark is published at intervals, a lower bound that converges.
    /// </summary>
    public async Task<FeedProgress> OffsetsAsync(long total)
    {
        var status = Services.GetRequiredService<FeedStatus>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (status.Current.Positions.Sum(p => p.Offset) < total)
        {
            await Task.Delay(20, patience.Token);
        }

        return status.Current;
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
