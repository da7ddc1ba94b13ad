using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Text;
using System.Text.Json.Nodes;

namespace SendGate.IysSimulator;

/// <summary>A push connection as İYS keeps it: where to post one type of a brand's citizens' changes, with which credentials.</summary>
public sealed record PushConnectionRecord(uint Brand, string Url, string Type, string Username, string Password, DateTimeOffset RegisteredAt);

/// <summary>
/// İYS's push of citizens' changes ("İzin Hareketi İletimi"), İYS's side, as its document describes it: a connection is
/// made per brand and type (at most two active per type) to an https URL that must demand basic authentication and
/// answer within 5 s; İYS posts its fixed test item on registration, then every change with an <c>IYS_*</c> source as
/// <c>{"list":[{iysCode, brandCode, consentDate, creationDate, source, recipient, recipientType, status, type,
/// transactionId}]}</c>. The document does not say how İYS retries a failed delivery: the simulator tries each up to
/// <see cref="Attempts"/> times, a second apart, and counts what it could not deliver.
/// </summary>
internal sealed class PushDeliveries : IDisposable
{
    private const int Attempts = 5;
    private readonly List<PushConnectionRecord> _connections = [];
    private readonly SimulatorSettings _settings;
    private readonly TimeProvider _clock;
    private readonly Func<uint, uint> _iysCodeOf;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _inFlight = new(64);
    private long _delivered;
    private long _undelivered;

    public PushDeliveries(SimulatorSettings settings, TimeProvider clock, Func<uint, uint> iysCodeOf)
    {
        _settings = settings;
        _clock = clock;
        _iysCodeOf = iysCodeOf;
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (settings.TrustLoopbackCertificates)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (sender, _, _, errors) =>
                errors == SslPolicyErrors.None || (sender is SslStream { TargetHostName: var host } && (host is "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip))));
        }

        _http = new HttpClient(handler) { Timeout = settings.PushTimeout };
    }

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Undelivered => Interlocked.Read(ref _undelivered);

    /// <summary>The document's test item, the same for every connection.</summary>
    public static JsonObject TestItem() => new()
    {
        ["iysCode"] = 121212, ["brandCode"] = 121212, ["consentDate"] = "2015-05-01 15:00:00", ["creationDate"] = "2015-05-01 15:00:00",
        ["source"] = "IYS_MOBIL", ["recipient"] = "pushtest@iys.org.tr", ["recipientType"] = "BIREYSEL", ["status"] = "ONAY", ["type"] = "EPOSTA",
        ["transactionId"] = "e52ee30512adfcd2a41fb3b4682f5bd61eee5b1c92bda665fc0b7e56644d429d",
    };

    public IReadOnlyList<PushConnectionRecord> Of(uint brand)
    {
        lock (_connections)
        {
            return [.. _connections.Where(connection => connection.Brand == brand)];
        }
    }

    /// <summary>Checks a connection as İYS does (basic authentication demanded, the test item taken in time) and keeps it; the fault, or null.</summary>
    public async Task<IysFault?> RegisterAsync(PushConnectionRecord connection, CancellationToken cancellationToken)
    {
        lock (_connections)
        {
            if (_connections.Count(c => c.Brand == connection.Brand && c.Type == connection.Type) >= 2)
            {
                // The document limits active connections to two per type without naming the error: H530 is its "could not connect".
                return new IysFault("H530", "Bağlantı oluşturulamadı.");
            }
        }

        try
        {
            using var anonymous = await PostAsync(connection, TestItem(), authenticate: false, cancellationToken);
            if (anonymous.StatusCode != HttpStatusCode.Unauthorized)
            {
                return new IysFault("H530", "Bağlantı oluşturulamadı."); // the URL must demand basic authentication
            }

            using var test = await PostAsync(connection, TestItem(), authenticate: true, cancellationToken);
            if (!test.IsSuccessStatusCode)
            {
                return new IysFault("H530", "Bağlantı oluşturulamadı.");
            }
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new IysFault("H191", "Bağlantı zaman aşımına uğradı.");
        }
        catch (HttpRequestException)
        {
            return new IysFault("H530", "Bağlantı oluşturulamadı.");
        }

        lock (_connections)
        {
            _connections.Add(connection);
        }

        return null;
    }

    public bool Unregister(uint brand, string? url, string? type, string? username, string? password)
    {
        lock (_connections)
        {
            return _connections.RemoveAll(c => c.Brand == brand && c.Url == url && c.Type == type && c.Username == username && c.Password == password) > 0;
        }
    }

    /// <summary>A change was recorded: a citizen's (source IYS_*) goes to every connection of its brand and type, in the background.</summary>
    public void OnRecorded(SimulatedChange change)
    {
        if (change.Source is not { } source || !source.StartsWith("IYS_", StringComparison.Ordinal))
        {
            return;
        }

        foreach (var connection in Of(change.BrandCode).Where(connection => connection.Type == change.Type))
        {
            _ = DeliverAsync(connection, Item(change));
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
    }

    private JsonObject Item(SimulatedChange change)
    {
        var item = new JsonObject { ["iysCode"] = _iysCodeOf(change.BrandCode), ["brandCode"] = change.BrandCode };
        if (change.ConsentDate is not null)
        {
            item["consentDate"] = change.ConsentDate;
        }

        item["creationDate"] = SimulatedChange.IysTime(change.CreatedAt);
        item["source"] = change.Source;
        item["recipient"] = change.Recipient;
        item["recipientType"] = change.RecipientType;
        item["status"] = change.Status;
        item["type"] = change.Type;
        item["transactionId"] = change.TransactionId;
        return item;
    }

    private async Task DeliverAsync(PushConnectionRecord connection, JsonObject item)
    {
        await _inFlight.WaitAsync();
        try
        {
            for (int attempt = 1; attempt <= Attempts; attempt++)
            {
                try
                {
                    using var response = await PostAsync(connection, item, authenticate: true, CancellationToken.None);
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref _delivered);
                        return;
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    // tried again below
                }

                await Task.Delay(TimeSpan.FromSeconds(1), _clock);
            }

            Interlocked.Increment(ref _undelivered);
        }
        catch (ObjectDisposedException)
        {
            // the simulator stopped
        }
        finally
        {
            try
            {
                _inFlight.Release();
            }
            catch (ObjectDisposedException)
            {
                // the simulator stopped
            }
        }
    }

    private Task<HttpResponseMessage> PostAsync(PushConnectionRecord connection, JsonObject item, bool authenticate, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, connection.Url)
        {
            Content = new StringContent(new JsonObject { ["list"] = new JsonArray(item.DeepClone()) }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (authenticate)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{connection.Username}:{connection.Password}")));
        }

        return _http.SendAsync(request, cancellationToken);
    }
}
