using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using SendGate.Core.Consent;
using SendGate.Core.Hashing;
using SendGate.Feed.Pipeline;
using SendGate.Iys;
using SendGate.Kafka;
using SendGate.Terminal;

namespace SendGate.Cli.Commands;

/// <summary>
/// <c>sendgate publish --from FILE --bootstrap HOST:PORT --topic T</c>: reads an İYS JSON Lines
/// file or daily change CSV, validates and hashes every recipient with the gate's key, and
/// publishes FeedEvents (keys only) to the consent topic. The hashing key and Kafka properties
/// come from configuration like the gate's: <c>Hashing__Key</c> and
/// <c>Feed__Kafka__Properties__*</c> in the environment, or a JSON file given by --config.
/// </summary>
internal static class PublishCommand
{
    private const int DetailedErrors = 20;

    public static Command Create()
    {
        var from = new Option<FileInfo>("--from", "-f") { Description = "İYS JSON Lines file, or İYS daily change CSV (*.csv)", Required = true }.AcceptExistingOnly();
        var bootstrap = new Option<string>("--bootstrap") { Description = "Kafka bootstrap servers (default: Feed:Kafka:BootstrapServers, else 127.0.0.1:9092)" };
        var topic = new Option<string>("--topic") { Description = "Consent topic (default: Feed:Kafka:Topic, else sendgate.consents)" };
        var iys = new Option<uint>("--iys") { Description = "İYS provider code for CSV rows (the CSV has none)" };
        var brand = new Option<uint>("--brand", "-b") { Description = "İYS brand code for CSV rows (the CSV has none)" };
        var properties = new Option<string[]>("--property", "-X") { Description = "librdkafka property NAME=VALUE (repeatable), e.g. -X api.version.request=false", AllowMultipleArgumentsPerToken = false };
        var config = new Option<FileInfo?>("--config") { Description = "JSON configuration (e.g. the gate's appsettings.json) for Hashing:Key and Feed:Kafka" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress (a bar on a terminal, a line every 5 s otherwise)" };
        var command = new Command("publish", "Publish an İYS consent file to the Kafka consent topic (recipients hashed; no plaintext leaves this machine)")
        {
            from, bootstrap, topic, iys, brand, properties, config, quiet,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var configuration = ToolConfiguration.Build(parse.GetValue(config));
            KafkaFeedOptions options;
            try
            {
                options = KafkaFeedOptions.ForTool(configuration, parse.GetValue(bootstrap), parse.GetValue(topic), parse.GetValue(properties) ?? []);
            }
            catch (FormatException e)
            {
                error.WriteLine(e.Message);
                return Task.FromResult(2);
            }

            if (!HashingKey.TryParseBase64(configuration["Hashing:Key"], out var key, out string keyError))
            {
                error.WriteLine($"Hashing:Key: {keyError}. Give the gate's key as Hashing__Key=<base64> in the environment, or in --config.");
                return Task.FromResult(2);
            }

            var file = parse.GetValue(from)!;
            var factory = new FeedEventFactory(new RecipientHasher(key!), TimeProvider.System);
            var run = new PublishRun(file.FullName, options, factory, key!.KeyId, parse.GetValue(iys), parse.GetValue(brand), parse.GetValue(quiet) ? null : error);
            return run.ExecuteAsync(parse.InvocationConfiguration.Output, error, cancellationToken);
        });
        return command;
    }

    /// <summary>One publish: read a batch of lines, decode them in parallel, produce in file order, report.</summary>
    private sealed class PublishRun(string path, KafkaFeedOptions options, FeedEventFactory factory, uint keyId, uint iysCode, uint brandCode, TextWriter? progress)
    {
        private const int BatchCapacity = 8192;
        private long _lines;
        private long _published;
        private long _rejected;

        /// <summary>The publisher for the configured topics; null, with the sentence written, when one is missing.</summary>
        private ConsentPublisher? Publisher(TextWriter error)
        {
            try
            {
                return ConsentPublisher.Create(options, NullLogger.Instance, keyId);
            }
            catch (TopicSetupException missing)
            {
                error.WriteLine(missing.Message);
                return null;
            }
        }

        public async Task<int> ExecuteAsync(TextWriter output, TextWriter error, CancellationToken cancellationToken)
        {
            using var reader = new LineReader(path);
            long length = reader.Length;
            bool csv = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
            using var publisher = Publisher(error);
            if (publisher is null)
            {
                return 2; // a topic the placement needs is missing: said above, nothing published
            }

            var stopwatch = Stopwatch.StartNew();
            await using (progress is null ? null : ProgressDisplay.Start($"publishing {Path.GetFileName(path)}", progress, () => Sample(reader, length, stopwatch), TimeSpan.FromSeconds(5)))
            {
                IysLineDecoder decoder;
                if (!csv)
                {
                    decoder = new IysLineDecoder(factory);
                }
                else if (reader.TryReadLine(includeUnterminated: true, out var headerLine) && Header(headerLine, error) is { } header)
                {
                    Interlocked.Increment(ref _lines);
                    decoder = new IysLineDecoder(factory, header);
                }
                else
                {
                    return 2; // the CSV header was refused (reported above); nothing was published
                }

                var lines = new Lines(decoder);
                var sink = new Sink(this, publisher, error);
                var batch = new EventBatch(BatchCapacity);
                bool more = true;
                while (more)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    batch.Clear();
                    more = Fill(reader, batch);
                    batch.DecodeWith(lines);
                    for (int i = 0; i < batch.Count; i++)
                    {
                        sink.Line = batch.Position(i);
                        batch.Decoded(i).Dispatch(sink);
                    }
                }

                publisher.Flush(cancellationToken);
            }

            double seconds = stopwatch.Elapsed.TotalSeconds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"published {publisher.Delivered} events to {options.Topic}{(options.EffectiveClosureTopic is { } closures ? " and " + closures : "")} ({publisher.Failed} failed), rejected {_rejected} lines{(_rejected > 0 ? " (line numbers above)" : "")}, {_lines} lines in {seconds:F1} s, {publisher.Delivered / Math.Max(seconds, 0.001):F0} events/s"));
            if (_rejected > DetailedErrors)
            {
                error.WriteLine($"{_rejected - DetailedErrors} more lines were rejected (only the first {DetailedErrors} are listed)");
            }

            if (publisher.Failed > 0)
            {
                error.WriteLine($"delivery failed for {publisher.Failed} events: {publisher.FirstFailure}");
                return 1;
            }

            return _rejected > 0 ? 3 : 0;
        }

        /// <summary>Non-empty lines into the batch until it is full; false at the end of the file.</summary>
        private bool Fill(LineReader reader, EventBatch batch)
        {
            while (batch.HasRoom)
            {
                if (!reader.TryReadLine(includeUnterminated: true, out var line))
                {
                    return false;
                }

                long number = Interlocked.Increment(ref _lines);
                if (!line.IsEmpty)
                {
                    batch.Add(line, 0, number);
                }
            }

            return true;
        }

        private IysCsvLine? Header(ReadOnlySpan<byte> line, TextWriter error)
        {
            var header = IysCsvLine.FromHeader(line, iysCode, brandCode, out string headerError);
            if (header is null)
            {
                error.WriteLine(headerError);
            }
            else if (iysCode == 0 || brandCode == 0)
            {
                error.WriteLine("a CSV has no iysCode or brandCode: give them with --iys and --brand");
                return null;
            }

            return header;
        }

        private ProgressSample Sample(LineReader reader, long length, Stopwatch stopwatch)
        {
            double fraction = length == 0 ? 1 : Math.Min(1, (double)reader.Offset / length);
            long lines = Interlocked.Read(ref _lines);
            double rate = lines / Math.Max(stopwatch.Elapsed.TotalSeconds, 0.001);
            return new ProgressSample(fraction, string.Create(CultureInfo.InvariantCulture,
                $"{lines:N0} lines, {Interlocked.Read(ref _published):N0} published, {Interlocked.Read(ref _rejected):N0} rejected, {rate:N0} lines/s"));
        }

        /// <summary>The file's lines as the batch holds them, through the İYS decoder.</summary>
        private sealed class Lines(IysLineDecoder decoder) : IEventDecoder
        {
            public DecodedEvent Decode(EventBatch batch, int index) => decoder.Decode(batch.Payload(index, out _));
        }

        /// <summary>Valid events to the topic, rejected lines to the error output with their number (never their content).</summary>
        private sealed class Sink(PublishRun run, ConsentPublisher publisher, TextWriter error) : IDecodedEventSink
        {
            public long Line { get; set; }

            public void OnChange(ConsentChange change)
            {
                publisher.Publish(change);
                Interlocked.Increment(ref run._published);
            }

            public void OnClosure(LineClosure closure)
            {
                publisher.Publish(closure);
                Interlocked.Increment(ref run._published);
            }

            public void OnRejected(string reason)
            {
                if (Interlocked.Increment(ref run._rejected) <= DetailedErrors)
                {
                    error.WriteLine($"line {Line.ToString(CultureInfo.InvariantCulture)}: {reason}");
                }
            }
        }
    }
}
