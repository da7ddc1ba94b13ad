using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Text;

namespace SendGate.FeedLatency;

/// <summary>
/// Stands in for İYS's push: POSTs one citizen's RET at a time to the receiver of <c>sendgate iys sync</c>, with basic
/// authentication, without waiting for the answer (the schedule is open: a slow answer must not delay the next POST).
/// </summary>
internal sealed class ReceiverClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly AuthenticationHeaderValue _credentials;
    private readonly SemaphoreSlim _inFlight = new(512);
    private int _accepted;

    public ReceiverClient(IReadOnlyDictionary<string, string> settings)
    {
        _url = new Uri(settings.GetValueOrDefault("receiver", "https://127.0.0.1:8443/iys/changes"));
        _credentials = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.GetValueOrDefault("user", "iys")}:{settings.GetValueOrDefault("password", "")}")));
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64 };
        // The bench's receiver listens on loopback with a self-signed certificate.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, errors) => errors == SslPolicyErrors.None || _url.IsLoopback;
        _http = new HttpClient(handler);
    }

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Sends <paramref name="phone"/>'s refusal in the background.</summary>
    public void Post(string phone, long transaction)
    {
        string now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        string recipient = "+90" + phone[1..];
        string body = string.Create(CultureInfo.InvariantCulture,
            $$"""{"list":[{"iysCode":123456,"brandCode":900001,"consentDate":"{{now}}","creationDate":"{{now}}","source":"IYS_WEB","recipient":"{{recipient}}","recipientType":"BIREYSEL","status":"RET","type":"MESAJ","transactionId":"bench-{{transaction}}"}]}""");
        _ = SendAsync(body);
    }

    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
    }

    private async Task SendAsync(string body)
    {
        await _inFlight.WaitAsync();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = _credentials;
            using var response = await _http.SendAsync(request);
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _accepted);
            }
        }
        catch (HttpRequestException exception)
        {
            await Console.Error.WriteLineAsync("receiver: " + exception.Message);
        }
        finally
        {
            _inFlight.Release();
        }
    }
}
