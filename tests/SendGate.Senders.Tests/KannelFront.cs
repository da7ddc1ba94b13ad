using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using SendGate.Senders.Kannel;
using SendGate.Tests.Support;

namespace SendGate.Senders.Tests;

/// <summary>The Kannel front as <c>sendgate kannel-front</c> builds it, on a given loopback port: user acme, brand 123457, number 3434.</summary>
internal sealed class KannelFront : IAsyncDisposable
{
    public const string Number = "3434";

    private readonly WebApplication _app;
    private readonly int _admin;

    private KannelFront(WebApplication app, int port, int admin)
    {
        _app = app;
        _admin = admin;
        Url = $"http://127.0.0.1:{port}";
    }

    public string Url { get; }

    public HttpClient Http { get; } = new();

    public static async Task<KannelFront> StartAsync(int port, Uri gate, string smsboxUrl, Dictionary<string, string?>? settings = null)
    {
        int admin = GateHost.FreePort();
        var values = new Dictionary<string, string?>
        {
            ["Kannel:Listen"] = $"127.0.0.1:{port}",
            ["Kannel:AdminUrl"] = $"127.0.0.1:{admin}",
            ["Kannel:SmsboxUrl"] = smsboxUrl,
            ["Kannel:Users:acme:Password"] = KannelServer.Password,
            ["Kannel:Users:acme:IysCode"] = SenderData.Iys.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Kannel:Users:acme:BrandCode"] = SenderData.Brand.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Kannel:Users:acme:Numbers:0"] = Number,
            ["Kannel:OptOut:Reply"] = "ACME kampanya iletileri durduruldu.",
            ["Kannel:Gate:Address"] = gate.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        Assert.Empty(KannelFrontHost.Validate(configuration, out var options));
        var app = KannelFrontHost.Build(configuration, options);
        await app.StartAsync();
        return new KannelFront(app, port, admin);
    }

    /// <summary>A sender's sendsms through the front: the status and body it answered.</summary>
    public async Task<(int Status, string Body, HttpResponseMessage Response)> SendSmsAsync(string password, string text, params string[] to)
    {
        string query = $"username={KannelServer.User}&password={Uri.EscapeDataString(password)}&from={Number}&to={Uri.EscapeDataString(string.Join(' ', to))}&text={Uri.EscapeDataString(text)}";
        var response = await Http.GetAsync(new Uri($"{Url}/cgi-bin/sendsms?{query}"));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    public async Task<string> MetricsAsync() => await Http.GetStringAsync(new Uri($"http://127.0.0.1:{_admin}/metrics"));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
