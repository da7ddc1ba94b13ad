namespace SendGate.Server.Hosting;

/// <summary>The text of <c>--help</c>.</summary>
internal static class Usage
{
    public const string Text = """
        sendgate-server — İYS pre-send consent gate (gRPC)

        Usage: sendgate-server [options]        (dotnet run --project src/SendGate.Server -- [options])

        Options (each is also a configuration key, settable in appsettings.json or as an
        environment variable with __ for ':', e.g. Policy__MaxStaleness=00:05:00):
          --consents FILE            İYS JSON Lines consent file to serve          Feed:File:Path
          --feed File|Kafka          where changes come from (default File)        Feed:Kind
          --bootstrap HOST:PORT      Kafka brokers                                 Feed:Kafka:BootstrapServers
          --topic NAME               Kafka consent topic (sendgate.consents)       Feed:Kafka:Topic
          --data DIR                 durable state (FASTER): restart resumes       Durability:Path
          --urls URLS                gRPC endpoints, ';'-separated                 urls / ASPNETCORE_URLS
                                     (default http://127.0.0.1:50051; http:// is h2c, https:// needs Grpc:Tls,
                                     unix:/run/sendgate/gate.sock for callers on the same host)
          --admin-url URL            metrics and health over HTTP/1.1              Admin:Url
                                     (default http://127.0.0.1:9464; empty to disable)
          --environment NAME         Development uses appsettings.Development.json (sample data, dev key)
          -h, --help                 this text

        Configuration:
          Hashing:Key                16 random bytes, base64 (openssl rand -base64 16). Required.
          Policy:ExemptIysCodes      iysCodes allowed without consent (array: Policy:ExemptIysCodes:0=...)
          Policy:MaxStaleness        data older than this denies commercial checks (default 00:15:00)
          Policy:FailClosed          deny commercial checks when stale (default true)
          Limits:MaxBatch            recipients per Check request (default 100000)
          Index:ExpectedTuples       size the index for this many tuples (default: from the file size)
          Index:Records              Memory (Explain shows source, transaction id) or None
          Feed:File:PollInterval     how often appended lines are picked up (default 00:00:02)
          Feed:Kafka:DeadLetterTopic events that cannot be applied, with the reason (sendgate.consents.dlq)
          Feed:Kafka:GroupId         commits applied offsets for monitoring (default sendgate-<host>)
          Feed:Kafka:Properties:*    librdkafka properties, passed through (0.9 broker:
                                     api.version.request=false, broker.version.fallback=0.9.0.1)
          Durability:CheckpointInterval  time between checkpoints (default 00:01:00; one more at shutdown)
          Durability:KeepCheckpoints newest checkpoints kept as fallbacks (default 3)
          Durability:LogMemoryMiB    FASTER in-memory log (default 256); older records read from disk
          Grpc:MaxReceiveMessageSize, Grpc:Tls:CertificatePath, Grpc:Tls:KeyPath, Grpc:Http2:*
          Grpc:InlineCompletions     socket completions on the socket thread, no pool hop (default true)
          Access:Mode                Auto (off on loopback only, else required), Required or Off
          Access:Clients:NAME:*      KeyHashes (sendgate client-key), CertificateSubjects, Grants
                                     (IysCode, Brands, Channels), Explain, RecipientsPerSecond, Burst,
                                     ExplainPerMinute, MaxBatch — docs/operations.md
          Access:OpenHealth / OpenReflection   unauthenticated health (default true) / reflection (false)
          DecisionLog:Directory      one JSON line per answer, rotating files (DecisionLog:MaxFileBytes, MaxFiles)
          DecisionLog:Topic          the same records to Kafka (Feed:Kafka brokers)
          Telemetry:OtlpEndpoint     also push metrics to an OpenTelemetry collector (or OTEL_EXPORTER_OTLP_ENDPOINT)

        Settings files: appsettings.json and appsettings.{Environment}.json next to the program, wherever
        it is started from (--contentRoot DIR to use another folder). A relative --consents or --data is
        the working directory's; a relative path inside a settings file is the settings folder's.

        Endpoints:
          gRPC    sendgate.v1.Gate (Check, CheckStream, Explain), grpc.health.v1.Health, server reflection
                  (v1 and v1alpha); gzip-compressed requests accepted
          admin   GET /metrics (Prometheus), /healthz, /readyz, /admin/digest (state audit)
        """;
}
