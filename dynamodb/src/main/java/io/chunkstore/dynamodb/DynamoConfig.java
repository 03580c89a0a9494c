package io.chunkstore.dynamodb;

import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.AwsUrl;
import io.chunkstore.spi.support.Backoff;
import io.chunkstore.spi.support.ConfigBinder;
import io.chunkstore.spi.support.ConfigKey;
import io.chunkstore.spi.support.GoDuration;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The DynamoDB settings: the {@code dynamodb:} sub-block of the {@code aws:} storage block (Cortex
 * {@code storage.aws.dynamodb}, Loki {@code storage_config.aws.dynamodb}), plus chunkstore's few
 * extensions.
 *
 * @param endpoint the endpoint to call, or null for AWS's endpoint of {@code region}
 * @param region the AWS region used for signing (and the endpoint when {@code endpoint} is null)
 * @param accessKeyId static credentials from the URL, or null for the SDK's default provider chain
 * @param secretAccessKey the secret that goes with {@code accessKeyId}
 * @param apiLimit table API calls per second ({@code api_limit}, default 2, burst 1; 0 = no limit)
 * @param throttleLimit retried write items per second ({@code throttle_limit}, default 10, burst
 *     25)
 * @param chunkGangSize 100-key BatchGetItem requests per gang ({@code chunk_gang_size}, default 10)
 * @param chunkGetMaxParallelism gangs in flight ({@code chunk_get_max_parallelism}, default 32)
 * @param backoff {@code backoff_config}: min_period 100ms, max_period 50s, max_retries 20,
 *     max_retry_time 1m
 * @param kmsKeyId {@code kms_key_id} (Loki): KMS key for server-side encryption of new tables
 * @param queryParallelism chunkstore extension {@code query_parallelism}: queries of one call in
 *     flight (default 100, Cortex's constant)
 * @param writeParallelism chunkstore extension {@code write_parallelism}: BatchWriteItem requests
 *     of one call in flight (default 8)
 * @param consistentReads chunkstore extension {@code consistent_reads}: strongly consistent Query
 *     and BatchGetItem (default false, as Cortex)
 * @param queryPageLimit chunkstore extension {@code query_page_limit}: at most this many items per
 *     Query page (DynamoDB's Limit; default 10,000; 0 = only DynamoDB's 1 MB bound, as Cortex)
 */
public record DynamoConfig(
        URI endpoint,
        String region,
        String accessKeyId,
        String secretAccessKey,
        double apiLimit,
        double throttleLimit,
        int chunkGangSize,
        int chunkGetMaxParallelism,
        Backoff.Config backoff,
        String kmsKeyId,
        int queryParallelism,
        int writeParallelism,
        boolean consistentReads,
        int queryPageLimit) {

    /** Region when neither the URL, the {@code aws.region} key nor {@code AWS_REGION} names one. */
    public static final String DEFAULT_REGION = "us-east-1";

    /** Cortex's defaults. */
    public static final double DEFAULT_API_LIMIT = 2.0;

    public static final double DEFAULT_THROTTLE_LIMIT = 10.0;
    public static final int DEFAULT_CHUNK_GANG_SIZE = 10;
    public static final int DEFAULT_CHUNK_GET_MAX_PARALLELISM = 32;
    public static final Backoff.Config DEFAULT_BACKOFF =
            new Backoff.Config(
                    Duration.ofMillis(100), Duration.ofSeconds(50), 20, Duration.ofMinutes(1));
    public static final int DEFAULT_QUERY_PARALLELISM = 100;
    public static final int DEFAULT_WRITE_PARALLELISM = 8;
    public static final int DEFAULT_QUERY_PAGE_LIMIT = 10_000;

    private static final String PATH = "aws.dynamodb";

    /**
     * The {@code aws.dynamodb:} block as written in YAML.
     *
     * @param dynamodbUrl {@code dynamodb_url}
     * @param apiLimit {@code api_limit}
     * @param throttleLimit {@code throttle_limit}
     * @param metrics {@code metrics}
     * @param chunkGangSize {@code chunk_gang_size}
     * @param chunkGetMaxParallelism {@code chunk_get_max_parallelism}
     * @param backoffConfig {@code backoff_config}
     * @param kmsKeyId {@code kms_key_id}
     * @param queryParallelism {@code query_parallelism}
     * @param writeParallelism {@code write_parallelism}
     * @param consistentReads {@code consistent_reads}
     * @param queryPageLimit {@code query_page_limit}
     */
    public record Block(
            @ConfigKey(
                            value = "dynamodb_url",
                            doc =
                                    "Required: dynamodb://region, dynamodb://key:secret@region, or"
                                            + " an endpoint URL such as http://localhost:8000 (a host with a dot or a port is an endpoint).")
                    String dynamodbUrl,
            @ConfigKey(
                            value = "api_limit",
                            dflt = "2",
                            min = 0,
                            doc = "Table API calls per second (burst 1); 0 for" + " no limit.")
                    double apiLimit,
            @ConfigKey(
                            value = "throttle_limit",
                            dflt = "10",
                            min = 0,
                            doc = "Retried write items per second (burst" + " 25).")
                    double throttleLimit,
            @ConfigKey(
                            value = "metrics",
                            doc =
                                    "Cortex's metrics-based autoscaler: accepted, not supported (a url"
                                            + " is warned about).")
                    Metrics metrics,
            @ConfigKey(
                            value = "chunk_gang_size",
                            dflt = "" + DEFAULT_CHUNK_GANG_SIZE,
                            min = 1,
                            doc = "100-key BatchGetItem requests per gang.")
                    int chunkGangSize,
            @ConfigKey(
                            value = "chunk_get_max_parallelism",
                            dflt = "" + DEFAULT_CHUNK_GET_MAX_PARALLELISM,
                            min = 1,
                            doc = "Gangs in flight.")
                    int chunkGetMaxParallelism,
            @ConfigKey(value = "backoff_config", doc = "Retries of throttled and failed requests.")
                    BackoffBlock backoffConfig,
            @ConfigKey(
                            value = "kms_key_id",
                            doc = "KMS key for server-side encryption of new tables (Loki).")
                    String kmsKeyId,
            @ConfigKey(
                            value = "query_parallelism",
                            dflt = "" + DEFAULT_QUERY_PARALLELISM,
                            min = 1,
                            doc = "Queries of one index call in flight (Cortex's constant).")
                    int queryParallelism,
            @ConfigKey(
                            value = "write_parallelism",
                            dflt = "" + DEFAULT_WRITE_PARALLELISM,
                            min = 1,
                            doc = "BatchWriteItem requests of one call in flight.")
                    int writeParallelism,
            @ConfigKey(
                            value = "consistent_reads",
                            doc = "Strongly consistent Query and BatchGetItem.")
                    boolean consistentReads,
            @ConfigKey(
                            value = "query_page_limit",
                            dflt = "" + DEFAULT_QUERY_PAGE_LIMIT,
                            min = 0,
                            doc =
                                    "Most items per Query page (DynamoDB's Limit); 0 leaves only DynamoDB's 1 MB bound, as"
                                            + " Cortex.")
                    int queryPageLimit) {}

    /** {@code backoff_config}: Cortex's back-off of DynamoDB requests. */
    public record BackoffBlock(
            @ConfigKey(value = "min_period", dflt = "100ms", doc = "First wait.")
                    Duration minPeriod,
            @ConfigKey(value = "max_period", dflt = "50s", doc = "Longest wait.")
                    Duration maxPeriod,
            @ConfigKey(
                            value = "max_retries",
                            dflt = "20",
                            min = 0,
                            doc = "Retries before giving up; 0 retries" + " forever.")
                    int maxRetries,
            @ConfigKey(
                            value = "max_retry_time",
                            dflt = "1m",
                            doc =
                                    "chunkstore's own: how long one request may go on retrying"
                                            + " without progress before it fails; 0s: as long as"
                                            + " max_retries allows.")
                    Duration maxRetryTime) {}

    /** Cortex's metrics-based autoscaler settings: accepted for compatibility, not used. */
    public record Metrics(
            @ConfigKey(
                            value = "url",
                            doc =
                                    "Prometheus URL of the autoscaler; a non-empty url is not supported.")
                    String url,
            @ConfigKey(value = "target_queue_length", doc = UNUSED) Object targetQueueLength,
            @ConfigKey(value = "scale_up_factor", doc = UNUSED) Object scaleUpFactor,
            @ConfigKey(value = "ignore_throttle_below", doc = UNUSED) Object ignoreThrottleBelow,
            @ConfigKey(value = "queue_length_query", doc = UNUSED) Object queueLengthQuery,
            @ConfigKey(value = "write_throttle_query", doc = UNUSED) Object writeThrottleQuery,
            @ConfigKey(value = "write_usage_query", doc = UNUSED) Object writeUsageQuery,
            @ConfigKey(value = "read_usage_query", doc = UNUSED) Object readUsageQuery,
            @ConfigKey(value = "read_error_query", doc = UNUSED) Object readErrorQuery) {}

    private static final String UNUSED = "Accepted for compatibility, not used.";

    public DynamoConfig {
        if (region == null || region.isBlank()) {
            throw new ConfigException(PATH + ": no AWS region");
        }
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new ConfigException(
                    PATH + ": an access key id needs a secret access key and the other way round");
        }
        positive("chunk_gang_size", chunkGangSize);
        positive("chunk_get_max_parallelism", chunkGetMaxParallelism);
        positive("query_parallelism", queryParallelism);
        positive("write_parallelism", writeParallelism);
        nonNegative("api_limit", apiLimit);
        nonNegative("throttle_limit", throttleLimit);
        if (queryPageLimit < 0) {
            throw new ConfigException(
                    PATH
                            + ".query_page_limit must be >= 0 (0 = no item limit), got "
                            + queryPageLimit);
        }
        backoff = backoff == null ? DEFAULT_BACKOFF : backoff;
        kmsKeyId = kmsKeyId == null ? "" : kmsKeyId;
    }

    /**
     * Settings for an explicit endpoint (DynamoDB Local, a proxy) with static credentials and
     * Cortex defaults.
     */
    public static DynamoConfig forEndpoint(
            URI endpoint, String region, String accessKeyId, String secretAccessKey) {
        return new DynamoConfig(
                endpoint,
                region,
                accessKeyId,
                secretAccessKey,
                DEFAULT_API_LIMIT,
                DEFAULT_THROTTLE_LIMIT,
                DEFAULT_CHUNK_GANG_SIZE,
                DEFAULT_CHUNK_GET_MAX_PARALLELISM,
                DEFAULT_BACKOFF,
                "",
                DEFAULT_QUERY_PARALLELISM,
                DEFAULT_WRITE_PARALLELISM,
                false,
                DEFAULT_QUERY_PAGE_LIMIT);
    }

    public DynamoConfig withApiLimit(double v) {
        return new DynamoConfig(
                endpoint,
                region,
                accessKeyId,
                secretAccessKey,
                v,
                throttleLimit,
                chunkGangSize,
                chunkGetMaxParallelism,
                backoff,
                kmsKeyId,
                queryParallelism,
                writeParallelism,
                consistentReads,
                queryPageLimit);
    }

    public DynamoConfig withThrottleLimit(double v) {
        return new DynamoConfig(
                endpoint,
                region,
                accessKeyId,
                secretAccessKey,
                apiLimit,
                v,
                chunkGangSize,
                chunkGetMaxParallelism,
                backoff,
                kmsKeyId,
                queryParallelism,
                writeParallelism,
                consistentReads,
                queryPageLimit);
    }

    public DynamoConfig withBackoff(Backoff.Config v) {
        return new DynamoConfig(
                endpoint,
                region,
                accessKeyId,
                secretAccessKey,
                apiLimit,
                throttleLimit,
                chunkGangSize,
                chunkGetMaxParallelism,
                v,
                kmsKeyId,
                queryParallelism,
                writeParallelism,
                consistentReads,
                queryPageLimit);
    }

    public DynamoConfig withQueryPageLimit(int v) {
        return new DynamoConfig(
                endpoint,
                region,
                accessKeyId,
                secretAccessKey,
                apiLimit,
                throttleLimit,
                chunkGangSize,
                chunkGetMaxParallelism,
                backoff,
                kmsKeyId,
                queryParallelism,
                writeParallelism,
                consistentReads,
                v);
    }

    public DynamoConfig withChunkGangs(int gangSize, int maxParallelism) {
        return new DynamoConfig(
                endpoint,
                region,
                accessKeyId,
                secretAccessKey,
                apiLimit,
                throttleLimit,
                gangSize,
                maxParallelism,
                backoff,
                kmsKeyId,
                queryParallelism,
                writeParallelism,
                consistentReads,
                queryPageLimit);
    }

    /**
     * Reads the {@code aws:} storage block. Keys of that block other than {@code dynamodb}
     * configure S3 and are left to the S3 backend, except DynamoDB keys put there by mistake, which
     * are reported.
     *
     * @param aws the {@code aws:} block (may be empty)
     * @param env environment lookup ({@code System::getenv}); only {@code AWS_REGION} is read
     * @throws ConfigException naming the key that is missing, unknown or malformed
     */
    public static DynamoConfig fromAwsBlock(Map<String, Object> aws, UnaryOperator<String> env) {
        List<String> dynamoKeys = ConfigBinder.keys(Block.class);
        for (String k : aws.keySet()) {
            if (dynamoKeys.contains(k) && !k.equals("backoff_config")) {
                throw new ConfigException(
                        "aws." + k + " belongs in the dynamodb block: write aws.dynamodb." + k);
            }
        }
        Block d = ConfigBinder.bind(Block.class, aws.get("dynamodb"), PATH);
        if (d.dynamodbUrl().isBlank()) {
            throw new ConfigException(
                    PATH
                            + ".dynamodb_url is required: dynamodb://region,"
                            + " dynamodb://key:secret@region, or an endpoint URL such as http://localhost:8000");
        }
        String configuredRegion =
                aws.get("region") == null ? null : aws.get("region").toString().trim();
        DynamoUrl target = DynamoUrl.parse(d.dynamodbUrl().trim(), configuredRegion, env);
        Backoff.Config backoff;
        try {
            backoff =
                    new Backoff.Config(
                            d.backoffConfig().minPeriod(),
                            d.backoffConfig().maxPeriod(),
                            d.backoffConfig().maxRetries(),
                            d.backoffConfig().maxRetryTime());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(PATH + ".backoff_config: " + e.getMessage());
        }
        return new DynamoConfig(
                target.endpoint(),
                target.region(),
                target.accessKeyId(),
                target.secretAccessKey(),
                d.apiLimit(),
                d.throttleLimit(),
                d.chunkGangSize(),
                d.chunkGetMaxParallelism(),
                backoff,
                d.kmsKeyId(),
                d.queryParallelism(),
                d.writeParallelism(),
                d.consistentReads(),
                d.queryPageLimit());
    }

    /**
     * Whether the {@code metrics:} block asks for Cortex's metrics-based autoscaling, which is not
     * supported.
     */
    static boolean wantsMetricsAutoscaling(Map<String, Object> aws) {
        Object d = aws.get("dynamodb");
        if (d instanceof Map<?, ?> dm && dm.get("metrics") instanceof Map<?, ?> m) {
            return m.get("url") != null && !m.get("url").toString().isBlank();
        }
        return false;
    }

    @Override
    public String toString() {
        return "DynamoConfig{endpoint="
                + (endpoint == null ? "aws" : endpoint)
                + ", region="
                + region
                + ", credentials="
                + (accessKeyId == null ? "default chain" : "static " + accessKeyId)
                + ", api_limit="
                + apiLimit
                + ", throttle_limit="
                + throttleLimit
                + ", chunk_gang_size="
                + chunkGangSize
                + ", chunk_get_max_parallelism="
                + chunkGetMaxParallelism
                + ", backoff="
                + GoDuration.format(backoff.min())
                + ".."
                + GoDuration.format(backoff.max())
                + " x"
                + backoff.maxRetries()
                + (backoff.maxRetryTime().isZero()
                        ? ""
                        : " within " + GoDuration.format(backoff.maxRetryTime()))
                + (kmsKeyId.isEmpty() ? "" : ", kms_key_id=" + kmsKeyId)
                + ", query_parallelism="
                + queryParallelism
                + ", write_parallelism="
                + writeParallelism
                + ", consistent_reads="
                + consistentReads
                + ", query_page_limit="
                + queryPageLimit
                + "}";
    }

    // ---- the endpoint URL

    /** Where {@code dynamodb_url} points, and with which credentials. */
    record DynamoUrl(URI endpoint, String region, String accessKeyId, String secretAccessKey) {

        /**
         * Cortex's forms: {@code dynamodb://region}, {@code dynamodb://key:secret@region}, and a
         * host with a dot (or a port, or {@code localhost}) as an endpoint reached over http; an
         * {@code http(s)://} URL is an endpoint reached with its own scheme. The path is ignored
         * (Cortex logs it). An endpoint's region comes from {@code aws.region}, then {@code
         * AWS_REGION}, then us-east-1. The URL is taken apart by spi's {@link AwsUrl}, as S3's is.
         */
        static DynamoUrl parse(String text, String configuredRegion, UnaryOperator<String> env) {
            if (text.toLowerCase(java.util.Locale.ROOT).startsWith("inmemory:")) {
                throw new ConfigException(
                        PATH
                                + ".dynamodb_url "
                                + text
                                + " is Cortex's in-process DynamoDB mock,"
                                + " which chunkstore does not have; use store 'inmemory' for tests or point dynamodb_url at"
                                + " DynamoDB Local (http://localhost:8000)");
            }
            AwsUrl u = AwsUrl.parse(text, PATH + ".dynamodb_url");
            if (!u.scheme().equals("dynamodb")
                    && !u.scheme().equals("http")
                    && !u.scheme().equals("https")) {
                throw new ConfigException(
                        PATH
                                + ".dynamodb_url '"
                                + AwsUrl.redact(text)
                                + "' has scheme '"
                                + u.scheme()
                                + "'; use dynamodb://region, dynamodb://key:secret@region or http(s)://host:port");
            }
            String key = u.accessKeyId();
            String secret = u.secretAccessKey();
            if (key != null && key.isEmpty() && secret.isEmpty()) {
                key = null;
                secret = null;
            }
            if (u.scheme().equals("dynamodb") && !u.namesEndpoint()) {
                return new DynamoUrl(null, u.host(), key, secret);
            }
            String region =
                    configuredRegion != null && !configuredRegion.isEmpty()
                            ? configuredRegion
                            : env.apply("AWS_REGION") != null && !env.apply("AWS_REGION").isBlank()
                                    ? env.apply("AWS_REGION").trim()
                                    : DEFAULT_REGION;
            String target =
                    (u.scheme().equals("https") ? "https" : "http") + "://" + u.hostAndPort();
            return new DynamoUrl(URI.create(target), region, key, secret);
        }
    }

    private static void positive(String key, int v) {
        if (v < 1) {
            throw new ConfigException(PATH + "." + key + " must be at least 1, got " + v);
        }
    }

    private static void nonNegative(String key, double v) {
        if (v < 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            throw new ConfigException(
                    PATH + "." + key + " must be a number >= 0 (0 = no limit), got " + v);
        }
    }
}
