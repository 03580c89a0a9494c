package io.chunkstore.dynamodb;

import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.AwsUrl;
import io.chunkstore.spi.support.Backoff;
import io.chunkstore.spi.support.GoDuration;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The DynamoDB settings: the {@code dynamodb:} sub-block of the {@code aws:} storage block (Cortex
 * {@code storage.aws.dynamodb}, Loki {@code storage_config.aws.dynamodb}), plus chunkstore's few extensions.
 *
 * @param endpoint               the endpoint to call, or null for AWS's endpoint of {@code region}
 * @param region                 the AWS region used for signing (and the endpoint when {@code endpoint} is null)
 * @param accessKeyId            static credentials from the URL, or null for the SDK's default provider chain
 * @param secretAccessKey        the secret that goes with {@code accessKeyId}
 * @param apiLimit               table API calls per second ({@code api_limit}, default 2, burst 1; 0 = no limit)
 * @param throttleLimit          retried write items per second ({@code throttle_limit}, default 10, burst 25)
 * @param chunkGangSize          100-key BatchGetItem requests per gang ({@code chunk_gang_size}, default 10)
 * @param chunkGetMaxParallelism gangs in flight ({@code chunk_get_max_parallelism}, default 32)
 * @param backoff                {@code backoff_config}: min_period 100ms, max_period 50s, max_retries 20
 * @param kmsKeyId               {@code kms_key_id} (Loki): KMS key for server-side encryption of new tables
 * @param queryParallelism       chunkstore extension {@code query_parallelism}: queries of one call in flight
 *                               (default 100, Cortex's constant)
 * @param writeParallelism       chunkstore extension {@code write_parallelism}: BatchWriteItem requests of one
 *                               call in flight (default 8)
 * @param consistentReads        chunkstore extension {@code consistent_reads}: strongly consistent Query and
 *                               BatchGetItem (default false, as Cortex)
 * @param queryPageLimit         chunkstore extension {@code query_page_limit}: at most this many items per Query
 *                               page (DynamoDB's Limit; default 10,000; 0 = only DynamoDB's 1 MB bound, as Cortex)
 */
public record DynamoConfig(URI endpoint, String region, String accessKeyId, String secretAccessKey, double apiLimit,
        double throttleLimit, int chunkGangSize, int chunkGetMaxParallelism, Backoff.Config backoff, String kmsKeyId,
        int queryParallelism, int writeParallelism, boolean consistentReads, int queryPageLimit) {

    /** Region when neither the URL, the {@code aws.region} key nor {@code AWS_REGION} names one. */
    public static final String DEFAULT_REGION = "us-east-1";
    /** Cortex's defaults. */
    public static final double DEFAULT_API_LIMIT = 2.0;
    public static final double DEFAULT_THROTTLE_LIMIT = 10.0;
    public static final int DEFAULT_CHUNK_GANG_SIZE = 10;
    public static final int DEFAULT_CHUNK_GET_MAX_PARALLELISM = 32;
    public static final Backoff.Config DEFAULT_BACKOFF =
            new Backoff.Config(Duration.ofMillis(100), Duration.ofSeconds(50), 20);
    public static final int DEFAULT_QUERY_PARALLELISM = 100;
    public static final int DEFAULT_WRITE_PARALLELISM = 8;
    public static final int DEFAULT_QUERY_PAGE_LIMIT = 10_000;

    private static final String PATH = "aws.dynamodb";
    private static final Set<String> DYNAMODB_KEYS = Set.of("dynamodb_url", "api_limit", "throttle_limit", "metrics",
            "chunk_gang_size", "chunk_get_max_parallelism", "backoff_config", "kms_key_id", "query_parallelism",
            "write_parallelism", "consistent_reads", "query_page_limit");
    private static final Set<String> BACKOFF_KEYS = Set.of("min_period", "max_period", "max_retries");
    /** Cortex's metrics-based autoscaler settings: accepted for compatibility, not used. */
    private static final Set<String> METRICS_KEYS = Set.of("url", "target_queue_length", "scale_up_factor",
            "ignore_throttle_below", "queue_length_query", "write_throttle_query", "write_usage_query",
            "read_usage_query", "read_error_query");

    public DynamoConfig {
        if (region == null || region.isBlank()) {
            throw new ConfigException(PATH + ": no AWS region");
        }
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new ConfigException(PATH + ": an access key id needs a secret access key and the other way round");
        }
        positive("chunk_gang_size", chunkGangSize);
        positive("chunk_get_max_parallelism", chunkGetMaxParallelism);
        positive("query_parallelism", queryParallelism);
        positive("write_parallelism", writeParallelism);
        nonNegative("api_limit", apiLimit);
        nonNegative("throttle_limit", throttleLimit);
        if (queryPageLimit < 0) {
            throw new ConfigException(PATH + ".query_page_limit must be >= 0 (0 = no item limit), got "
                    + queryPageLimit);
        }
        backoff = backoff == null ? DEFAULT_BACKOFF : backoff;
        kmsKeyId = kmsKeyId == null ? "" : kmsKeyId;
    }

    /** Settings for an explicit endpoint (DynamoDB Local, a proxy) with static credentials and Cortex defaults. */
    public static DynamoConfig forEndpoint(URI endpoint, String region, String accessKeyId, String secretAccessKey) {
        return new DynamoConfig(endpoint, region, accessKeyId, secretAccessKey, DEFAULT_API_LIMIT,
                DEFAULT_THROTTLE_LIMIT, DEFAULT_CHUNK_GANG_SIZE, DEFAULT_CHUNK_GET_MAX_PARALLELISM, DEFAULT_BACKOFF,
                "", DEFAULT_QUERY_PARALLELISM, DEFAULT_WRITE_PARALLELISM, false, DEFAULT_QUERY_PAGE_LIMIT);
    }

    public DynamoConfig withApiLimit(double v) {
        return new DynamoConfig(endpoint, region, accessKeyId, secretAccessKey, v, throttleLimit, chunkGangSize,
                chunkGetMaxParallelism, backoff, kmsKeyId, queryParallelism, writeParallelism, consistentReads,
                queryPageLimit);
    }

    public DynamoConfig withThrottleLimit(double v) {
        return new DynamoConfig(endpoint, region, accessKeyId, secretAccessKey, apiLimit, v, chunkGangSize,
                chunkGetMaxParallelism, backoff, kmsKeyId, queryParallelism, writeParallelism, consistentReads,
                queryPageLimit);
    }

    public DynamoConfig withBackoff(Backoff.Config v) {
        return new DynamoConfig(endpoint, region, accessKeyId, secretAccessKey, apiLimit, throttleLimit,
                chunkGangSize, chunkGetMaxParallelism, v, kmsKeyId, queryParallelism, writeParallelism,
                consistentReads, queryPageLimit);
    }

    public DynamoConfig withQueryPageLimit(int v) {
        return new DynamoConfig(endpoint, region, accessKeyId, secretAccessKey, apiLimit, throttleLimit,
                chunkGangSize, chunkGetMaxParallelism, backoff, kmsKeyId, queryParallelism, writeParallelism,
                consistentReads, v);
    }

    public DynamoConfig withChunkGangs(int gangSize, int maxParallelism) {
        return new DynamoConfig(endpoint, region, accessKeyId, secretAccessKey, apiLimit, throttleLimit, gangSize,
                maxParallelism, backoff, kmsKeyId, queryParallelism, writeParallelism, consistentReads,
                queryPageLimit);
    }

    /**
     * Reads the {@code aws:} storage block. Keys of that block other than {@code dynamodb} configure S3 and are left
     * to the S3 backend, except DynamoDB keys put there by mistake, which are reported.
     *
     * @param aws the {@code aws:} block (may be empty)
     * @param env environment lookup ({@code System::getenv}); only {@code AWS_REGION} is read
     * @throws ConfigException naming the key that is missing, unknown or malformed
     */
    public static DynamoConfig fromAwsBlock(Map<String, Object> aws, UnaryOperator<String> env) {
        for (String k : aws.keySet()) {
            if (!k.equals("dynamodb") && DYNAMODB_KEYS.contains(k) && !k.equals("backoff_config")) {
                throw new ConfigException("aws." + k + " belongs in the dynamodb block: write aws.dynamodb." + k);
            }
        }
        Map<String, Object> d = mapping(aws.get("dynamodb"), PATH);
        for (String k : d.keySet()) {
            if (!DYNAMODB_KEYS.contains(k)) {
                throw new ConfigException("unknown key " + PATH + "." + k + "; known keys: "
                        + new java.util.TreeSet<>(DYNAMODB_KEYS));
            }
        }
        Object url = d.get("dynamodb_url");
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException(PATH + ".dynamodb_url is required: dynamodb://region,"
                    + " dynamodb://key:secret@region, or an endpoint URL such as http://localhost:8000");
        }
        String configuredRegion = aws.get("region") == null ? null : aws.get("region").toString().trim();
        DynamoUrl target = DynamoUrl.parse(url.toString().trim(), configuredRegion, env);

        Map<String, Object> b = mapping(d.get("backoff_config"), PATH + ".backoff_config");
        for (String k : b.keySet()) {
            if (!BACKOFF_KEYS.contains(k)) {
                throw new ConfigException("unknown key " + PATH + ".backoff_config." + k + "; known keys: "
                        + new java.util.TreeSet<>(BACKOFF_KEYS));
            }
        }
        Duration min = duration(b, "min_period", DEFAULT_BACKOFF.min());
        Duration max = duration(b, "max_period", DEFAULT_BACKOFF.max());
        int retries = integer(b, "max_retries", DEFAULT_BACKOFF.maxRetries(), PATH + ".backoff_config");
        Backoff.Config backoff;
        try {
            backoff = new Backoff.Config(min, max, retries);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(PATH + ".backoff_config: " + e.getMessage());
        }

        Map<String, Object> metrics = mapping(d.get("metrics"), PATH + ".metrics");
        for (String k : metrics.keySet()) {
            if (!METRICS_KEYS.contains(k)) {
                throw new ConfigException("unknown key " + PATH + ".metrics." + k + "; known keys: "
                        + new java.util.TreeSet<>(METRICS_KEYS));
            }
        }

        return new DynamoConfig(target.endpoint(), target.region(), target.accessKeyId(), target.secretAccessKey(),
                number(d, "api_limit", DEFAULT_API_LIMIT), number(d, "throttle_limit", DEFAULT_THROTTLE_LIMIT),
                integer(d, "chunk_gang_size", DEFAULT_CHUNK_GANG_SIZE, PATH),
                integer(d, "chunk_get_max_parallelism", DEFAULT_CHUNK_GET_MAX_PARALLELISM, PATH), backoff,
                d.get("kms_key_id") == null ? "" : d.get("kms_key_id").toString(),
                integer(d, "query_parallelism", DEFAULT_QUERY_PARALLELISM, PATH),
                integer(d, "write_parallelism", DEFAULT_WRITE_PARALLELISM, PATH),
                bool(d, "consistent_reads", false),
                integer(d, "query_page_limit", DEFAULT_QUERY_PAGE_LIMIT, PATH));
    }

    /** Whether the {@code metrics:} block asks for Cortex's metrics-based autoscaling, which is not supported. */
    static boolean wantsMetricsAutoscaling(Map<String, Object> aws) {
        Object d = aws.get("dynamodb");
        if (d instanceof Map<?, ?> dm && dm.get("metrics") instanceof Map<?, ?> m) {
            return m.get("url") != null && !m.get("url").toString().isBlank();
        }
        return false;
    }

    @Override
    public String toString() {
        return "DynamoConfig{endpoint=" + (endpoint == null ? "aws" : endpoint) + ", region=" + region
                + ", credentials=" + (accessKeyId == null ? "default chain" : "static " + accessKeyId)
                + ", api_limit=" + apiLimit + ", throttle_limit=" + throttleLimit + ", chunk_gang_size="
                + chunkGangSize + ", chunk_get_max_parallelism=" + chunkGetMaxParallelism + ", backoff="
                + GoDuration.format(backoff.min()) + ".." + GoDuration.format(backoff.max()) + " x"
                + backoff.maxRetries() + (kmsKeyId.isEmpty() ? "" : ", kms_key_id=" + kmsKeyId)
                + ", query_parallelism=" + queryParallelism + ", write_parallelism=" + writeParallelism
                + ", consistent_reads=" + consistentReads + ", query_page_limit=" + queryPageLimit + "}";
    }

    // ---- the endpoint URL

    /** Where {@code dynamodb_url} points, and with which credentials. */
    record DynamoUrl(URI endpoint, String region, String accessKeyId, String secretAccessKey) {

        /**
         * Cortex's forms: {@code dynamodb://region}, {@code dynamodb://key:secret@region}, and a host with a dot (or a
         * port, or {@code localhost}) as an endpoint reached over http; an {@code http(s)://} URL is an endpoint
         * reached with its own scheme. The path is ignored (Cortex logs it). An endpoint's region comes from
         * {@code aws.region}, then {@code AWS_REGION}, then us-east-1. The URL is taken apart by spi's
         * {@link AwsUrl}, as S3's is.
         */
        static DynamoUrl parse(String text, String configuredRegion, UnaryOperator<String> env) {
            if (text.toLowerCase(java.util.Locale.ROOT).startsWith("inmemory:")) {
                throw new ConfigException(PATH + ".dynamodb_url " + text + " is Cortex's in-process DynamoDB mock,"
                        + " which chunkstore does not have; use store 'inmemory' for tests or point dynamodb_url at"
                        + " DynamoDB Local (http://localhost:8000)");
            }
            AwsUrl u = AwsUrl.parse(text, PATH + ".dynamodb_url");
            if (!u.scheme().equals("dynamodb") && !u.scheme().equals("http") && !u.scheme().equals("https")) {
                throw new ConfigException(PATH + ".dynamodb_url '" + AwsUrl.redact(text) + "' has scheme '"
                        + u.scheme() + "'; use dynamodb://region, dynamodb://key:secret@region or http(s)://host:port");
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
            String region = configuredRegion != null && !configuredRegion.isEmpty() ? configuredRegion
                    : env.apply("AWS_REGION") != null && !env.apply("AWS_REGION").isBlank()
                            ? env.apply("AWS_REGION").trim() : DEFAULT_REGION;
            String target = (u.scheme().equals("https") ? "https" : "http") + "://" + u.hostAndPort();
            return new DynamoUrl(URI.create(target), region, key, secret);
        }
    }

    // ---- typed values

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(Object v, String path) {
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new ConfigException(path + " must be a mapping, not '" + v + "'");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, val) -> out.put(String.valueOf(k), val));
        return out;
    }

    private static double number(Map<String, Object> m, String key, double dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(PATH + "." + key + " must be a number, not '" + v + "'");
        }
    }

    private static int integer(Map<String, Object> m, String key, int dflt, String path) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            if (v instanceof Number n) {
                if (n.doubleValue() != Math.rint(n.doubleValue())) {
                    throw new NumberFormatException();
                }
                return Math.toIntExact(n.longValue());
            }
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(path + "." + key + " must be a whole number, not '" + v + "'");
        }
    }

    private static boolean bool(Map<String, Object> m, String key, boolean dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (v.toString().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(PATH + "." + key + " must be true or false, not '" + v + "'");
        };
    }

    private static Duration duration(Map<String, Object> m, String key, Duration dflt) {
        Object v = m.get(key);
        String path = PATH + ".backoff_config." + key;
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            if (n.doubleValue() == 0) {
                return Duration.ZERO;
            }
            throw new ConfigException(path + ": " + v + " has no unit; write a duration like 100ms or 50s");
        }
        Duration d;
        try {
            d = GoDuration.parse(v.toString());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path + ": " + e.getMessage());
        }
        if (d.isNegative()) {
            throw new ConfigException(path + " must not be negative, got " + v);
        }
        return d;
    }

    private static void positive(String key, int v) {
        if (v < 1) {
            throw new ConfigException(PATH + "." + key + " must be at least 1, got " + v);
        }
    }

    private static void nonNegative(String key, double v) {
        if (v < 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            throw new ConfigException(PATH + "." + key + " must be a number >= 0 (0 = no limit), got " + v);
        }
    }
}
