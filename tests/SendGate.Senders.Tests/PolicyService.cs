using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using SendGate.Senders.Postfix;
using SendGate.Tests.Support;

namespace SendGate.Senders.Tests;

/// <summary>The Postfix policy service as <c>sendgate postfix-policy</c> builds it, on free loopback ports, asking a gate.</summary>
internal sealed class PolicyService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PolicyService(WebApplication app, int port, int admin)
    {
        _app = app;
        Port = port;
        AdminPort = admin;
    }

    public int Port { get; }

    public int AdminPort { get; }

    public static async Task<PolicyService> StartAsync(Uri gate, Dictionary<string, string?>? settings = null)
    {
        int port = GateHost.FreePort(), admin = GateHost.FreePort();
        var values = new Dictionary<string, string?>
        {
            ["Postfix:Listen"] = $"127.0.0.1:{port}",
            ["Postfix:AdminUrl"] = $"127.0.0.1:{admin}",
            ["Postfix:Senders:acme:IysCode"] = SenderData.Iys.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Postfix:Senders:acme:BrandCode"] = SenderData.Brand.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Postfix:Gate:Address"] = gate.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        Assert.Empty(PostfixPolicyHost.Validate(configuration, out var options));
        var app = PostfixPolicyHost.Build(configuration, options);
        await app.StartAsync();
        return new PolicyService(app, port, admin);
    }

    public async Task<string> MetricsAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{AdminPort}/metrics"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
