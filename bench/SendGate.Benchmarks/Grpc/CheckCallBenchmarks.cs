using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Routing;
using SendGate.Access;
using SendGate.Audit;
using SendGate.Contracts.V1;
using SendGate.Core.Consent;
using SendGate.Core.Hashing;
using SendGate.Core.Recipients;
using SendGate.Index;
using SendGate.Server.Access;
using SendGate.Server.Hosting;
using SendGate.Synthetic;

namespace SendGate.Benchmarks.Grpc;

/// <summary>
/// A whole Check in process, per recipient: the framed request bytes through grpc-dotnet's
/// endpoint for the method (behind the access middleware when guarded) and the gate's handler (parse, normalize, hash, look up, decide, encode) to the response bytes
/// and trailers — no sockets. 1,000 recipients per call, half of them holding consent, over an
/// index of 10^6 tuples. Baseline: the index lookups of the same 1,000 keys alone, so the ratio
/// is what the call costs around the lookups. <see cref="Guarded"/> adds what production runs
/// with: access control (API key, grant, rate limit) and the decision log (a record per call, with
/// the SHA-256 of the recipients' keys, written to a file by its own thread).
/// </summary>
public class CheckCallBenchmarks
{
    private const int Batch = 1000;
    private const int Stored = 1_000_000;
    private const uint Brand = 123457;
    private WebApplication _app = null!;
    private string _feedFile = string.Empty;
    private RequestDelegate _call = null!;
    private ConsentStore _store = null!;
    private ConsentKey[] _keys = [];
    private readonly ConsentLookup[] _results = new ConsentLookup[Batch];
    private InProcessHttpContext _phones = null!;
    private InProcessHttpContext _preHashed = null!;
    private string? _decisions;

    /// <summary>Access control and decision log on (true) or the embedded default's off (false).</summary>
    [Params(false, true)]
    public bool Guarded { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // The host is built, not started: no feed runs, no port opens; the index is filled below. The
        // file feed still wants a file to be named. Not fail-closed: no feed will ever report fresh.
        _feedFile = Path.GetTempFileName();
        string key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        string[] args = ["--consents", _feedFile, $"--Hashing:Key={key}", "--Policy:FailClosed=false", $"--Index:ExpectedTuples={Stored}"];
        string apiKey = ApiKeys.Generate();
        if (Guarded)
        {
            _decisions = Directory.CreateTempSubdirectory("sendgate-bench-decisions-").FullName;
            args = [.. args, $"--Access:Clients:bench:KeyHashes:0={ApiKeys.Hash(apiKey)}", "--Access:Clients:bench:Grants:0:IysCode=123456",
                "--Access:Clients:bench:Grants:0:Channels:0=MESAJ", $"--Access:Clients:bench:RecipientsPerSecond={long.MaxValue / 4}", $"--DecisionLog:Directory={_decisions}"];
        }

        _app = SendGateHost.Build(args);
        _app.Services.GetRequiredService<DecisionLog>().StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _store = _app.Services.GetRequiredService<ConsentStore>();
        var hasher = _app.Services.GetRequiredService<RecipientHasher>();
        var state = ConsentState.Create(Core.Domain.ConsentStatus.Onay, new Core.Domain.ConsentTime(400_000_000), new Core.Domain.ConsentTime(400_000_000));
        for (long i = 0; i < Stored; i++)
        {
            _store.Index.Apply(Key(hasher, SyntheticRecipients.National(i)), state);
        }

        // Even positions: stored recipients; odd: numbers the index does not hold. Written as people write them.
        var random = new Random(7);
        var phones = new string[Batch];
        for (int i = 0; i < Batch; i++)
        {
            phones[i] = SyntheticRecipients.WrittenPhone(i % 2 == 0 ? random.NextInt64(Stored) : Stored + random.NextInt64(Stored), random);
        }

        _keys = [.. phones.Select(p => Key(hasher, p))];
        var plain = Request();
        plain.Recipients.AddRange(phones);
        var hashed = Request();
        hashed.KeyId = hasher.KeyId;
        hashed.RecipientKeys.AddRange(_keys.Select(k => ByteString.CopyFrom(k.Recipient.ToArray())));

        // What Kestrel would run for the method after routing: the access middleware (when on), then grpc-dotnet's handler.
        var endpoint = ((IEndpointRouteBuilder)_app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Single(e => e.RoutePattern.RawText == "/sendgate.v1.Gate/Check" && e.RequestDelegate is not null);
        RequestDelegate handler = endpoint.RequestDelegate!;
        var access = new AccessMiddleware(handler, _app.Services.GetRequiredService<AccessGuard>());
        _call = context =>
        {
            context.SetEndpoint(endpoint);
            context.RequestServices = _app.Services; // grpc-dotnet activates the service from the request's services
            return Guarded ? access.InvokeAsync(context) : handler(context);
        };
        string? authorization = Guarded ? "Bearer " + apiKey : null;
        _phones = new InProcessHttpContext("/sendgate.v1.Gate/Check", InProcessHttpContext.Frame(plain), authorization);
        _preHashed = new InProcessHttpContext("/sendgate.v1.Gate/Check", InProcessHttpContext.Frame(hashed), authorization);

        // Prove the harness answers like the network does, with the expected decisions, before measuring it.
        Verify(_phones);
        Verify(_preHashed);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var decisions = _app.Services.GetRequiredService<DecisionLog>();
        decisions.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        if (Guarded)
        {
            // A record dropped is a record not paid for: the figure would flatter the guarded path.
            Console.WriteLine($"// decision log: {decisions.Written:N0} records written, {decisions.Dropped:N0} dropped");
        }

        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        File.Delete(_feedFile);
        if (_decisions is not null)
        {
            Directory.Delete(_decisions, recursive: true);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public ulong IndexOnly()
    {
        _store.Index.Lookup(_keys, _results);
        return _results[0].State.Bits;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public Task CheckPreHashed() => _call(_preHashed.Reset());

    [Benchmark(OperationsPerInvoke = Batch)]
    public Task CheckWrittenPhones() => _call(_phones.Reset());

    private static CheckRequest Request() => new()
    {
        RequestId = "bench",
        IysCode = 123456,
        BrandCode = Brand,
        Channel = Channel.Mesaj,
        RecipientType = RecipientType.Bireysel,
        Kind = MessageKind.Commercial,
    };

    private static ConsentKey Key(RecipientHasher hasher, string phone) =>
        hasher.TryHash(phone, Core.Domain.Channel.Mesaj, out var recipient) == RecipientError.None
            ? new ConsentKey(Brand, Core.Domain.Channel.Mesaj, Core.Domain.RecipientType.Bireysel, recipient)
            : throw new InvalidOperationException($"'{phone}' does not normalize.");

    private void Verify(InProcessHttpContext call)
    {
        _call(call.Reset()).GetAwaiter().GetResult();
        if (call.Trailers["grpc-status"] != "0")
        {
            throw new InvalidOperationException($"Check did not succeed in process (status '{call.Trailers["grpc-status"]}', HTTP {call.Context.Response.StatusCode}, headers {string.Join("; ", call.Context.Response.Headers.Select(h => $"{h.Key}={h.Value}"))}).");
        }

        var response = CheckResponse.Parser.ParseFrom(call.ResponseBody[5..]);
        if (response.Allowed != Batch / 2 || response.Reasons.Length != Batch)
        {
            throw new InvalidOperationException($"Check allowed {response.Allowed} of {response.Reasons.Length}; expected {Batch / 2} of {Batch}.");
        }
    }
}
