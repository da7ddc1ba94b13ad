using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.Options;
using SendGate.Access;
using SendGate.Access.Redis;
using SendGate.Audit;
using SendGate.Core.Consent;
using SendGate.Core.Hashing;
using SendGate.Durability;
using SendGate.Feed.Checkpoints;
using SendGate.Feed.File;
using SendGate.Feed.Pipeline;
using SendGate.Feed.Status;
using SendGate.Index;
using SendGate.Index.Records;
using SendGate.Kafka;
using SendGate.Server.Access;
using SendGate.Server.Gate;
using SendGate.Server.Observability;

namespace SendGate.Server.Hosting;

/// <summary>Everything the gate is made of, wired from configuration.</summary>
internal static class SendGateServices
{
    /// <summary>The key id of the development key in appsettings.Development.json: using it is warned about loudly.</summary>
    public const uint DevelopmentKeyId = 0x5e2a5e72;

    public static IServiceCollection AddSendGate(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var feed = configuration.GetSection(FeedOptions.SectionName).Get<FeedOptions>() ?? new FeedOptions();
        services.AddOptions<PolicyOptions>().BindConfiguration(PolicyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IndexOptions>().BindConfiguration(IndexOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HashingOptions>().BindConfiguration(HashingOptions.SectionName);
        services.AddOptions<FeedOptions>().BindConfiguration(FeedOptions.SectionName);
        services.AddOptions<FileFeedOptions>().BindConfiguration(FileFeedOptions.SectionName)
            .PostConfigure(options => options.Path = ResolvePath(options.Path, environment));
        // Bound whatever the feed: the decision log's Kafka sink uses these brokers too.
        services.AddOptions<KafkaFeedOptions>().BindConfiguration(KafkaFeedOptions.SectionName);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new RecipientHasher(LoadKey(sp)));
        services.AddSingleton(sp => new FeedEventFactory(sp.GetRequiredService<RecipientHasher>(), sp.GetRequiredService<TimeProvider>()));
        var durability = configuration.GetSection(DurabilityOptions.SectionName).Get<DurabilityOptions>() ?? new DurabilityOptions();
        services.AddOptions<DurabilityOptions>().BindConfiguration(DurabilityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure(options => options.Path = ResolvePath(options.Path, environment));
        services.AddSingleton<DurabilityMetrics>();
        if (string.IsNullOrWhiteSpace(durability.Path))
        {
            services.AddSingleton<IFeedCheckpoints, NoFeedCheckpoints>();
        }
        else
        {
            services.AddSingleton(sp => new FasterRecordStore(sp.GetRequiredService<IOptions<DurabilityOptions>>().Value, ExpectedTuples(sp)));
            services.AddSingleton<DurableCheckpoints>();
            services.AddSingleton<IFeedCheckpoints>(sp => sp.GetRequiredService<DurableCheckpoints>());
        }

        services.AddSingleton(CreateStore);
        services.AddSingleton<FeedStatus>();
        services.AddSingleton<FeedMetrics>();
        var kafkaFeed = configuration.GetSection(KafkaFeedOptions.SectionName).Get<KafkaFeedOptions>() ?? new KafkaFeedOptions();
        var shard = configuration.GetSection(ShardOptions.SectionName).Get<ShardOptions>() ?? new ShardOptions();
        var shardProblems = shard.Problems().ToList();
        if (shard.Partitions is not null && feed.Kind != FeedKind.Kafka)
        {
            shardProblems.Add("Shard:Partitions needs Feed:Kind=Kafka: a shard serves partitions of a brand-placed consent topic.");
        }
        else if (shard.Partitions is not null && kafkaFeed.Placement != ConsentPlacement.Brand)
        {
            shardProblems.Add("Shard:Partitions needs Feed:Kafka:Placement=Brand, as the publishers have it: a shard serves brands whole, and reads line closures from their own topic (Feed:Kafka:ClosureTopic).");
        }

        if (shardProblems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", shardProblems));
        }

        try
        {
            _ = kafkaFeed.PlacementMap(int.MaxValue); // sliced brands' codes and slice counts, checked at start
        }
        catch (Exception error) when (error is FormatException or ArgumentException)
        {
            throw new InvalidOperationException(error.Message, error);
        }

        services.AddSingleton(new ShardMembership(shard, kafkaFeed));
        switch (feed.Kind)
        {
            case FeedKind.Kafka:
                services.AddOptions<KafkaFeedOptions>().ValidateDataAnnotations().ValidateOnStart();
                services.AddSingleton<IConsentSource, KafkaConsentSource>();
                break;
            default:
                services.AddOptions<FileFeedOptions>().ValidateDataAnnotations().ValidateOnStart()
                    .Validate(options => !string.IsNullOrWhiteSpace(options.Path), "Feed:File:Path (or --consents FILE) is required: the İYS JSON Lines file to serve.");
                services.AddSingleton<IConsentSource, FileConsentSource>();
                break;
        }

        services.AddSingleton<FeedRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedRunner>());

        AddAccess(services, configuration);
        AddDecisionLog(services, configuration, environment);
        services.AddSingleton<GateRules>();
        services.AddSingleton<WatermarkSource>();
        services.AddSingleton<ShardGuard>();
        services.AddSingleton<CheckProcessor>();
        services.AddSingleton<ExplainProcessor>();
        services.AddSingleton<OptOutProcessor>();
        services.AddOptions<OptOutOptions>().BindConfiguration(OptOutOptions.SectionName);
        services.AddSingleton(sp => OptOutSetupFor(sp, feed.Kind));
        services.AddSingleton<GateMetrics>();
        services.AddGateTelemetry(configuration);
        services.AddGrpcTransport(configuration, Contracts.V1.Gate.Descriptor);
        services.AddSingleton<GateService>();
        services.AddSingleton<IServiceMethodProvider<GateService>, GateServiceMethods>();
        services.AddSingleton<ReadinessService>();
        services.AddHostedService(sp => sp.GetRequiredService<ReadinessService>());
        return services;
    }

    /// <summary>
    /// Access control, resolved now so that a configuration that cannot work (required without
    /// clients, a malformed key hash) stops the start with a message instead of refusing every call.
    /// </summary>
    private static void AddAccess(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(AccessOptions.SectionName).Get<AccessOptions>() ?? new AccessOptions();
        var settings = AccessSettings.Resolve(options, Endpoints.AreLoopbackOnly(Endpoints.GrpcUrls(configuration)), !string.IsNullOrWhiteSpace(configuration["Grpc:Tls:ClientCaPath"]));
        if (settings.Problems(options) is { Count: > 0 } problems)
        {
            throw new InvalidOperationException("Access configuration: " + string.Join(" ", problems));
        }

        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.SectionName); // watched: clients and keys reload without a restart
        services.AddSingleton(settings);
        var shared = configuration.GetSection(SharedLimitsOptions.SectionName).Get<SharedLimitsOptions>() ?? new SharedLimitsOptions();
        if (shared.Problems().ToList() is { Count: > 0 } sharedProblems)
        {
            throw new InvalidOperationException("Access configuration: " + string.Join(" ", sharedProblems));
        }

        if (shared.Enabled)
        {
            // Budgets fleet-wide: every replica leases its clients' budgets from one bucket per client in Redis.
            services.AddSingleton<SharedBudgetMetrics>();
            services.AddSingleton(sp => SharedBudgets.Connect(shared, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<SharedBudgetMetrics>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("SendGate.Access.Shared")));
            services.AddSingleton<BudgetFactory>(sp => sp.GetRequiredService<SharedBudgets>().Create);
        }

        services.AddSingleton(sp => new ClientDirectory(options, sp.GetRequiredService<TimeProvider>(), sp.GetService<BudgetFactory>()));
        services.AddSingleton<AccessGuard>();
    }

    private static void AddDecisionLog(IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<DecisionLogOptions>().BindConfiguration(DecisionLogOptions.SectionName).ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure(options => options.Directory = ResolvePath(options.Directory, environment));
        var options = configuration.GetSection(DecisionLogOptions.SectionName).Get<DecisionLogOptions>() ?? new DecisionLogOptions();
        if (!string.IsNullOrWhiteSpace(options.Directory))
        {
            services.AddSingleton<IDecisionSink>(sp => new RotatingFileSink(sp.GetRequiredService<IOptions<DecisionLogOptions>>().Value));
        }

        if (!string.IsNullOrWhiteSpace(options.Topic))
        {
            services.AddSingleton<IDecisionSink, KafkaDecisionSink>();
        }

        services.AddSingleton<DecisionLog>();
        services.AddHostedService(sp => sp.GetRequiredService<DecisionLog>());
    }

    /// <summary>Relative paths in settings are relative to the content root, the gate's install folder (SendGateHost.ContentRoot).</summary>
    private static string? ResolvePath(string? path, IHostEnvironment environment) =>
        string.IsNullOrWhiteSpace(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(environment.ContentRootPath, path));

    private static HashingKey LoadKey(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<HashingOptions>>().Value;
        if (!HashingKey.TryParseBase64(options.Key, out var key, out string error))
        {
            throw new OptionsValidationException(HashingOptions.SectionName, typeof(HashingOptions), [$"Hashing:Key: {error}."]);
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("SendGate");
        if (key!.KeyId == DevelopmentKeyId)
        {
            ServerLog.DevelopmentKey(logger, key.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
        }

        return key;
    }

    /// <summary>
    /// Tuples to size for when not configured: from the file (an İYS JSON line is ~250 bytes; 180
    /// errs large, one generation). A Kafka-fed index starts at the default and grows by
    /// generations: set Index:ExpectedTuples in production.
    /// </summary>
    private static long ExpectedTuples(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<IndexOptions>>().Value;
        var feed = services.GetRequiredService<IOptions<FeedOptions>>().Value;
        string? file = feed.Kind == FeedKind.File ? services.GetRequiredService<IOptions<FileFeedOptions>>().Value.Path : null;
        return options.ExpectedTuples ?? Math.Max(1 << 20, file is not null && File.Exists(file) ? new FileInfo(file).Length / 180 : 0);
    }

    private static ConsentStore CreateStore(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<IndexOptions>>().Value;
        long expected = ExpectedTuples(services);
        var index = new ConsentIndex(new ConsentIndexOptions { ExpectedTuples = expected, ExpectedClosures = options.ExpectedClosures, MaxLoadFactor = options.MaxLoadFactor });
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("SendGate");
        var records = RecordStore(services, options, expected, logger);
        string keyId = services.GetRequiredService<RecipientHasher>().KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        ServerLog.Started(logger, keyId, expected, index.SizeBytes >> 20);
        YoungGenerationCheck.Run(logger);
        return new ConsentStore(index, records);
    }

    /// <summary>With durable state the records live in FASTER (on disk, beyond its memory budget); otherwise per Index:Records — said at start either way.</summary>
    private static IConsentRecordStore RecordStore(IServiceProvider services, IndexOptions options, long expected, ILogger logger)
    {
        if (services.GetService<FasterRecordStore>() is { } durable)
        {
            ServerLog.Records(logger, "in FASTER (durable state)", "Explain shows the full record");
            return durable;
        }

        var kind = options.Records != RecordStoreKind.Auto ? options.Records
            : expected <= IndexOptions.AutoMemoryRecordsUpTo ? RecordStoreKind.Memory : RecordStoreKind.None;
        string why = options.Records != RecordStoreKind.Auto ? "Index:Records" : $"Index:Records=Auto for {expected} expected tuples";
        if (kind == RecordStoreKind.Memory)
        {
            string where = $"in memory ({why})";
            ServerLog.Records(logger, where, "Explain shows the full record; about 250 bytes a tuple");
            return new InMemoryConsentRecordStore(expected);
        }

        string notKept = $"not kept ({why})";
        ServerLog.Records(logger, notKept, "Explain shows status and dates only; give --data DIR to keep full records in FASTER on disk");
        return new NoConsentRecordStore();
    }

    /// <summary>RecordOptOut needs the Kafka feed (the refusal goes out on its topics) and a sealing key; otherwise calls say which is missing.</summary>
    private static OptOutSetup OptOutSetupFor(IServiceProvider services, FeedKind kind)
    {
        var options = services.GetRequiredService<IOptions<OptOutOptions>>().Value;
        if (kind != FeedKind.Kafka)
        {
            return new OptOutSetup(null, null, "RecordOptOut needs a Kafka-fed gate (Feed:Kind=Kafka): the refusal is published to the consent topic for every gate and queued for the İYS connector.");
        }

        if (options.SealingKey is null)
        {
            return new OptOutSetup(null, null, "RecordOptOut needs OptOut:SealingKey (32 random bytes, base64, shared with the İYS connector): the address İYS needs is kept sealed until uploaded.");
        }

        if (!AddressSeal.TryParseBase64(options.SealingKey, out var seal, out string error))
        {
            return new OptOutSetup(null, null, "OptOut:SealingKey: " + error + ".");
        }

        var kafka = services.GetRequiredService<IOptions<KafkaFeedOptions>>().Value;
        var producer = KafkaClients.Producer(kafka, services.GetRequiredService<ILoggerFactory>().CreateLogger("SendGate.Kafka.OptOuts"));
        var shard = services.GetRequiredService<ShardMembership>();
        Func<Core.Domain.PlacementMap?>? placement = kafka.Placement == ConsentPlacement.Brand ? () => shard.Placement : null;
        return new OptOutSetup(new OptOutPublisher(producer, kafka.Topic, options.Topic, services.GetRequiredService<RecipientHasher>().KeyId, placement), seal, null);
    }
}
