using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using SendGate.Client;
using SendGate.Core.Hashing;
using SendGate.Kafka;
using SendGate.LoadDriver.Churn;
using SendGate.LoadDriver.Measuring;
using SendGate.LoadDriver.Reporting;
using SendGate.LoadDriver.Running;
using SendGate.LoadDriver.Scenarios;
using SendGate.Terminal;

namespace SendGate.LoadDriver;

/// <summary>
/// <c>sendgate-load</c>: offers a scenario's load to a running gate (open or closed model),
/// measures latency and throughput, writes a Markdown report with an SVG chart, and fails (exit
/// code 1) when a threshold given on the command line is missed. <c>sendgate-load frame</c>
/// writes one framed request for h2load. The gate's hashing key and Kafka settings come from the
/// environment like the gate's own (Hashing__Key, Feed__Kafka__*).
/// </summary>
internal static class LoadDriverCli
{
    private static readonly Option<Uri> Address = new("--address", "-a") { Description = "The gate's gRPC address (http:// for h2c, https:// for TLS, unix:/PATH for a Unix socket)", DefaultValueFactory = _ => new Uri("http://127.0.0.1:50051"), CustomParser = GateUri };
    private static readonly Option<string> ScenarioName = new Option<string>("--scenario", "-s")
    {
        Description = "What to ask: " + string.Join("; ", Scenario.All.Select(s => $"{s.Name} ({s.Description})")),
        DefaultValueFactory = _ => "sms-gateway",
    }.AcceptOnlyFromAmong([.. Scenario.All.Select(s => s.Name)]);

    private static readonly Option<int?> Batch = new("--batch") { Description = "Recipients per request (default: the scenario's)" };
    private static readonly Option<long> Population = new("--population") { Description = "Recipients are drawn from the first N of `sendgate generate`'s numbering", DefaultValueFactory = _ => 1_000_000 };
    private static readonly Option<uint> Iys = new("--iys") { Description = "İYS provider code asked for", DefaultValueFactory = _ => 123456 };
    private static readonly Option<uint> Brand = new("--brand", "-b") { Description = "İYS brand code asked for (`sendgate generate` numbers brands from 123457)", DefaultValueFactory = _ => 123457 };
    private static readonly Option<string?> ApiKey = new("--api-key")
    {
        Description = "API key for a gate with access control, sent as 'authorization: Bearer' (default: $SENDGATE_API_KEY)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SENDGATE_API_KEY"),
    };

    private static readonly Option<string?> HashingKeyOption = new("--hashing-key") { Description = "The gate's Hashing:Key (base64) for pre-hashed keys and churn; default: Hashing__Key from the environment" };

    public static RootCommand Root()
    {
        var model = new Option<string>("--model", "-m") { Description = "open: fixed arrival rate (--rate), latency from the schedule; closed: fixed number of callers (--concurrency)", DefaultValueFactory = _ => "closed" }.AcceptOnlyFromAmong("open", "closed");
        var rate = new Option<double>("--rate", "-r") { Description = "Open model: requests per second" };
        var concurrency = new Option<int?>("--concurrency", "-c") { Description = "Closed model: concurrent callers (default 16). Open model: most requests in flight (default 1,000; beyond it they queue, and the queueing counts)" };
        var connections = new Option<int>("--connections") { Description = "HTTP/2 connections (one is served by one server thread at a time)", DefaultValueFactory = _ => 4 };
        var ramp = new Option<double>("--ramp") { Description = "Seconds over which load rises linearly to full", DefaultValueFactory = _ => 0 };
        var warmup = new Option<double>("--warmup", "-w") { Description = "Seconds at full load before measuring", DefaultValueFactory = _ => 5 };
        var duration = new Option<double>("--duration", "-d") { Description = "Seconds measured", DefaultValueFactory = _ => 30 };
        var requests = new Option<int>("--requests") { Description = "Distinct requests, built before the run and sent round-robin", DefaultValueFactory = _ => 64 };
        var deadline = new Option<double>("--deadline") { Description = "Deadline per call, seconds", DefaultValueFactory = _ => 10 };
        var admin = new Option<Uri?>("--admin") { Description = "The gate's admin address (e.g. http://127.0.0.1:9464): samples its memory every second", CustomParser = HttpUri };
        var churnRate = new Option<double>("--churn-rate") { Description = "churn: consent changes per second published to Kafka", DefaultValueFactory = _ => 1000 };
        var bootstrap = new Option<string?>("--bootstrap") { Description = "churn: Kafka bootstrap servers (default Feed:Kafka:BootstrapServers, else 127.0.0.1:9092)" };
        var topic = new Option<string?>("--topic") { Description = "churn: the gate's consent topic (default Feed:Kafka:Topic)" };
        var properties = new Option<string[]>("--property", "-X") { Description = "churn: librdkafka property NAME=VALUE (repeatable), e.g. -X api.version.request=false", AllowMultipleArgumentsPerToken = false };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Directory for report.md and latency.svg", DefaultValueFactory = _ => new DirectoryInfo("load-report") };
        var maxP99 = new Option<double?>("--max-p99") { Description = "Fail if p99 latency exceeds this many milliseconds" };
        var maxP999 = new Option<double?>("--max-p999") { Description = "Fail if p99.9 latency exceeds this many milliseconds" };
        var minRecipients = new Option<double?>("--min-recipients-per-second") { Description = "Fail if fewer recipients per second were answered" };
        var maxErrors = new Option<long?>("--max-errors") { Description = "Fail if more calls failed (any status but OK, or an answer of the wrong length)" };
        var maxGrowth = new Option<double?>("--max-memory-growth") { Description = "Fail if the gate's resident memory grew by more MiB over the measured phase (needs --admin)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress (a bar on a terminal, a line every 5 s otherwise)" };
        var root = new RootCommand("sendgate-load — load driver for the SendGate gate: open/closed model runs, latency histograms, Markdown + SVG report, pass/fail thresholds")
        {
            Address, ScenarioName, model, rate, concurrency, connections, ramp, warmup, duration, Batch, Population, Iys, Brand, requests, deadline, ApiKey, HashingKeyOption,
            admin, churnRate, bootstrap, topic, properties, output, maxP99, maxP999, minRecipients, maxErrors, maxGrowth, quiet,
        };
        root.Add(FrameCommand());
        root.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var console = parse.InvocationConfiguration.Output;
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            var scenario = Scenario.Find(parse.GetRequiredValue(ScenarioName))!;
            bool open = parse.GetValue(model) == "open";
            if (open && parse.GetValue(rate) <= 0)
            {
                await error.WriteLineAsync("--model open needs --rate (requests per second).");
                return 2;
            }

            if (!TryGateKey(parse, configuration, out var gateKey, out string keyProblem) || ((scenario.Churn || scenario.Form == RecipientForm.PreHashedPhone) && gateKey is null))
            {
                bool required = scenario.Churn;
                await error.WriteLineAsync(keyProblem.Length > 0 ? keyProblem : $"{scenario.Name}: {(required ? "needs" : "works best with")} the gate's hashing key: --hashing-key or Hashing__Key.{(required ? string.Empty : " Without it the keys are hashed with a random key: the gate finds none of them.")}");
                if (required || keyProblem.Length > 0)
                {
                    return 2;
                }
            }

            KafkaFeedOptions? kafka = null;
            try
            {
                kafka = scenario.Churn ? KafkaFeedOptions.ForTool(configuration, parse.GetValue(bootstrap), parse.GetValue(topic), parse.GetValue(properties) ?? []) : null;
            }
            catch (FormatException e)
            {
                await error.WriteLineAsync(e.Message);
                return 2;
            }

            var plan = new LoadPlan(open ? LoadModel.Open : LoadModel.Closed, parse.GetValue(rate), Math.Max(1, parse.GetValue(concurrency) ?? (open ? 1000 : 16)),
                TimeSpan.FromSeconds(parse.GetValue(ramp)), TimeSpan.FromSeconds(parse.GetValue(warmup)), TimeSpan.FromSeconds(parse.GetValue(duration)));
            var shape = Shape(parse);
            var pool = RequestPool.Build(scenario, shape, gateKey, Math.Max(1, parse.GetValue(requests)), seed: 1);
            var settings = new RunSettings(scenario, plan, parse.GetRequiredValue(Address), Math.Max(1, parse.GetValue(connections)), pool.RecipientsPerRequest,
                TimeSpan.FromSeconds(parse.GetValue(deadline)), string.Join(' ', Environment.GetCommandLineArgs().Skip(1)));
            using var calls = new GateCalls(settings.Address, settings.Connections, parse.GetValue(ApiKey));
            await using var target = CallTargets.Create(calls, pool, settings.Deadline);

            // One call first: a gate that is not there, or refuses the request, is reported plainly instead of as a run of errors.
            var first = await target.CallAsync(0, cancellationToken);
            if (first.Status != global::Grpc.Core.StatusCode.OK)
            {
                string hint = first.Status switch
                {
                    global::Grpc.Core.StatusCode.Unauthenticated => "The gate has access control: give a client's key with --api-key or SENDGATE_API_KEY.",
                    global::Grpc.Core.StatusCode.PermissionDenied => $"The client is not granted iysCode {shape.IysCode}, brand {shape.BrandCode} and this channel (--iys, --brand).",
                    global::Grpc.Core.StatusCode.ResourceExhausted => "The client's rate or batch limit refuses the scenario's requests (Access:Clients:NAME:RecipientsPerSecond, Burst, MaxBatch).",
                    _ => "Is it running (and SERVING)?",
                };
                await error.WriteLineAsync($"The gate at {settings.Address} did not answer a {scenario.Name} request: {first.Status}. {hint}");
                return 2;
            }

            await console.WriteLineAsync($"{scenario.Name}: {MarkdownReport.Describe(plan)}, {pool.RecipientsPerRequest:N0} recipients per request, {settings.Connections} connection(s); ramp {plan.Ramp.TotalSeconds:0.#} s, warm-up {plan.Warmup.TotalSeconds:0.#} s, measuring {plan.Duration.TotalSeconds:0.#} s");
            await using var memory = parse.GetValue(admin) is { } adminUri ? new ServerMemoryProbe(adminUri) : null;
            await using var churn = scenario.Churn ? new ChurnProducer(kafka!, gateKey!, parse.GetValue(churnRate), shape.IysCode, shape.BrandCode, shape.Population) : null;
            RunRecorder? live = null;
            var started = Stopwatch.GetTimestamp();
            double planned = (plan.Ramp + plan.Warmup + plan.Duration).TotalSeconds;
            RunRecorder recorder;
            await using (parse.GetValue(quiet) ? null : ProgressDisplay.Start(scenario.Name, console, () => new ProgressSample(Stopwatch.GetElapsedTime(started).TotalSeconds / planned, Volatile.Read(ref live) is { } r ? Progress(r) : "starting"), TimeSpan.FromSeconds(5)))
            {
                var progress = new Progress<RunRecorder>(r => Volatile.Write(ref live, r)); // the live recorder, once
                recorder = await LoadRunner.RunAsync(target, plan, pool.Requests.Count, progress, cancellationToken);
            }

            if (churn is not null)
            {
                await churn.DisposeAsync(); // flushed: the counts below are final
            }

            string? churnLine = churn is null ? null
                : $"Churn: {churn.Published:N0} consent changes published during the run ({parse.GetValue(churnRate):N0}/s), {churn.Delivered:N0} acknowledged, {churn.Failed:N0} failed{(churn.FirstFailure is { } f ? $" (first: {f})" : string.Empty)}.";

            var summary = LoadSummary.From(recorder, memory?.Samples ?? [], plan.MeasureStart);
            var thresholds = new Thresholds(parse.GetValue(maxP99), parse.GetValue(maxP999), parse.GetValue(minRecipients), parse.GetValue(maxErrors), parse.GetValue(maxGrowth));
            var verdicts = thresholds.Evaluate(summary);
            var directory = parse.GetRequiredValue(output);
            directory.Create();
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "latency.svg"), SvgChart.Render($"{scenario.Name}: {MarkdownReport.Describe(plan)}", recorder.Latency, recorder.Timeline), cancellationToken);
            string report = MarkdownReport.Render(settings, summary, verdicts, churnLine, "latency.svg");
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "report.md"), report, cancellationToken);
            await console.WriteLineAsync(report);
            await console.WriteLineAsync($"report: {Path.Combine(directory.FullName, "report.md")}");
            return verdicts.All(v => v.Passed) ? 0 : 1;
        });
        return root;
    }

    /// <summary><c>sendgate-load frame</c>: one request of a scenario as gRPC frames it (5-byte prefix + message), for h2load's -d.</summary>
    private static Command FrameCommand()
    {
        var output = new Option<FileInfo>("--out", "-o") { Description = "Where to write the framed request", Required = true };
        var members = new Option<FileInfo?>("--members-out") { Description = "Also write the request's recipients normalized (E.164, lower-cased e-mail), one per line: what a plain set mirror (Redis SMISMEMBER) is asked for the same request" };
        var command = new Command("frame", "Write one framed CheckRequest of a scenario to a file (the body h2load posts)") { ScenarioName, Batch, Population, Iys, Brand, HashingKeyOption, output, members };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            if (!TryGateKey(parse, configuration, out var gateKey, out string problem))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(problem);
                return 2;
            }

            var pool = RequestPool.Build(Scenario.Find(parse.GetRequiredValue(ScenarioName))!, Shape(parse), gateKey, 1, seed: 1);
            byte[] framed = GrpcFrame.Of(pool.Requests[0]);
            await File.WriteAllBytesAsync(parse.GetRequiredValue(output).FullName, framed, cancellationToken);
            if (parse.GetValue(members) is { } membersFile)
            {
                var request = Contracts.V1.CheckRequest.Parser.ParseFrom(pool.Requests[0]);
                if (request.Recipients.Count == 0)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"--members-out: the {pool.Scenario.Name} scenario sends keys, not recipients as written.");
                    return 2;
                }

                await File.WriteAllLinesAsync(membersFile.FullName, request.Recipients.Select(r => Normalized(r, pool.Scenario.Channel)), cancellationToken);
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync($"{framed.Length:N0} bytes: {pool.RecipientsPerRequest:N0} recipients ({pool.Scenario.Name})");
            return 0;
        });
        return command;
    }

    private static string Normalized(string recipient, Contracts.V1.Channel channel)
    {
        Span<byte> normalized = stackalloc byte[Core.Recipients.RecipientNormalizer.MaxNormalizedLength];
        return Core.Recipients.RecipientNormalizer.TryNormalize(recipient, (Core.Domain.Channel)(int)channel, normalized, out int length) == Core.Recipients.RecipientError.None
            ? System.Text.Encoding.UTF8.GetString(normalized[..length])
            : recipient;
    }

    private static Uri? GateUri(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (!GateAddress.TryParse(text, out var address, out string problem))
        {
            result.AddError(problem);
        }

        return address;
    }

    private static Uri? HttpUri(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        result.AddError($"'{text}' is not an address: expected http://HOST:PORT or https://HOST:PORT");
        return null;
    }

    private static RequestShape Shape(ParseResult parse) =>
        new(parse.GetValue(Iys), parse.GetValue(Brand), parse.GetValue(Batch), Math.Max(1, parse.GetValue(Population)));

    /// <summary>The gate's key, from --hashing-key or Hashing__Key; absent is not an error here, malformed is.</summary>
    private static bool TryGateKey(ParseResult parse, IConfiguration configuration, out HashingKey? key, out string problem)
    {
        key = null;
        problem = string.Empty;
        string? text = parse.GetValue(HashingKeyOption) ?? configuration["Hashing:Key"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (!HashingKey.TryParseBase64(text, out key, out string error))
        {
            problem = $"hashing key: {error}";
            return false;
        }

        return true;
    }

    private static string Progress(RunRecorder recorder)
    {
        var latency = recorder.Latency;
        return recorder.Requests == 0
            ? string.Create(CultureInfo.InvariantCulture, $"warming up: {recorder.Unmeasured:N0} calls")
            : string.Create(CultureInfo.InvariantCulture, $"measured {recorder.Requests:N0} calls, {recorder.Recipients:N0} recipients, p50 {latency.ValueAtQuantile(0.5) / 1e6:0.###} ms, p99 {latency.ValueAtQuantile(0.99) / 1e6:0.###} ms, errors {recorder.ErrorCount:N0}");
    }
}
