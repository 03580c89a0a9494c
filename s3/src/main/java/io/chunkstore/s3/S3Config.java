package io.chunkstore.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.GoDuration;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The S3 settings, read from Cortex's {@code storage: aws:} block, Loki's {@code storage_config: aws:} block (the same
 * keys) or a Loki {@code s3:} block (the keys of Loki's common storage {@code s3:} section), plus Loki's
 * {@code storage_config} keys {@code object_prefix} and {@code max_parallel_get_chunk}. See the module README for
 * every key and its default.
 *
 * @param buckets             bucket names, in configured order (objects are spread over them by FNV-32a)
 * @param endpoint            endpoint to use instead of AWS's, or null for the region's S3 endpoint
 * @param region              signing region, or null for the SDK's default region chain
 * @param accessKeyId         static credentials, or null for the SDK's default credentials chain
 * @param secretAccessKey     secret of the static credentials (never printed)
 * @param sessionToken        session token of temporary static credentials, or null (never printed)
 * @param forcePathStyle      {@code http://host/bucket/key} instead of {@code http://bucket.host/key}
 * @param sse                 server-side encryption of written objects, or null for the bucket's default
 * @param http                HTTP client settings
 * @param storageClass        storage class of written objects, or null for the bucket's default (STANDARD)
 * @param retry               retries of throttled and transiently failed requests
 * @param maxParallelGetChunk how many chunks one fetch reads at once (Loki {@code max_parallel_get_chunk})
 * @param objectPrefix        prefix of every object name (Loki {@code object_prefix}), "" for none
 */
public record S3Config(List<String> buckets, URI endpoint, String region, String accessKeyId, String secretAccessKey,
        String sessionToken, boolean forcePathStyle, Sse sse, Http http, String storageClass, Retry retry,
        int maxParallelGetChunk, String objectPrefix) {

    /** Loki's default {@code max_parallel_get_chunk}. Cortex uses up to 1000 at once. */
    public static final int DEFAULT_MAX_PARALLEL_GET_CHUNK = 150;

    /** The region used with a custom endpoint when none is configured (S3-compatible stores ignore it). */
    public static final String DEFAULT_ENDPOINT_REGION = "us-east-1";

    private static final Set<String> KEYS = Set.of("s3", "s3forcepathstyle", "bucketnames", "endpoint", "region",
            "access_key_id", "secret_access_key", "session_token", "insecure", "sse_encryption", "sse",
            "http_config", "signature_version", "storage_class", "backoff_config", "disable_dualstack",
            "max_parallel_get_chunk", "object_prefix");
    private static final Set<String> SSE_KEYS = Set.of("type", "kms_key_id", "kms_encryption_context");
    private static final Set<String> HTTP_KEYS = Set.of("idle_conn_timeout", "response_header_timeout", "timeout",
            "insecure_skip_verify", "ca_file");
    private static final Set<String> BACKOFF_KEYS = Set.of("min_period", "max_period", "max_retries");

    public S3Config {
        buckets = List.copyOf(buckets);
        if (buckets.isEmpty()) {
            throw new ConfigException("at least one S3 bucket is needed (bucketnames, or the bucket of the s3 URL)");
        }
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(retry, "retry");
        objectPrefix = objectPrefix == null ? "" : objectPrefix;
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new ConfigException("S3 config: give both access_key_id and secret_access_key, or neither"
                    + " (to use the default AWS credentials chain)");
        }
        if (maxParallelGetChunk < 1) {
            throw new ConfigException("max_parallel_get_chunk must be at least 1, got " + maxParallelGetChunk);
        }
    }

    /**
     * Server-side encryption of written objects.
     *
     * @param type                 {@code SSE-S3} or {@code SSE-KMS}
     * @param kmsKeyId             the KMS key (SSE-KMS only)
     * @param kmsEncryptionContext the encryption context, a JSON object of strings, base64-encoded as S3 wants it,
     *                             or null
     */
    public record Sse(String type, String kmsKeyId, String kmsEncryptionContext) {
        public static final String SSE_S3 = "SSE-S3";
        public static final String SSE_KMS = "SSE-KMS";
    }

    /**
     * The HTTP client.
     *
     * @param idleConnTimeout       how long an idle connection is kept (default 90s)
     * @param responseHeaderTimeout how long to wait for a response after the request was written; zero for the
     *                              client's default read timeout (30s)
     * @param timeout               limit of one attempt of a request, zero for none
     * @param insecureSkipVerify    accept any TLS certificate
     * @param caFile                PEM file of CA certificates to trust instead of the JVM's, or null
     */
    public record Http(Duration idleConnTimeout, Duration responseHeaderTimeout, Duration timeout,
            boolean insecureSkipVerify, String caFile) {
        public static final Http DEFAULT = new Http(Duration.ofSeconds(90), Duration.ZERO, Duration.ZERO, false,
                null);
    }

    /**
     * Retries of throttled (503 SlowDown, 429) and transiently failed (5xx, connection errors, timeouts) requests,
     * done by the SDK's standard retry strategy.
     *
     * @param minBackoff  base of the exponential back-off (Loki {@code min_period}, 100ms)
     * @param maxBackoff  cap of one wait (Loki {@code max_period}, 3s)
     * @param maxAttempts attempts in all, the first included (Loki {@code max_retries}, 5)
     */
    public record Retry(Duration minBackoff, Duration maxBackoff, int maxAttempts) {
        public static final Retry DEFAULT = new Retry(Duration.ofMillis(100), Duration.ofSeconds(3), 5);

        public Retry {
            if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
                throw new ConfigException("backoff_config needs 0 <= min_period <= max_period, got min_period "
                        + minBackoff + ", max_period " + maxBackoff);
            }
            if (maxAttempts < 1) {
                throw new ConfigException("backoff_config.max_retries must be at least 1 for S3 (it counts attempts,"
                        + " the first included; 0, which Cortex reads as 'retry forever', is not allowed), got "
                        + maxAttempts);
            }
        }
    }

    /** A config for tests and tools: one bucket at an endpoint, static credentials. */
    public static S3Config of(String bucket, URI endpoint, String region, String accessKeyId, String secretAccessKey,
            boolean forcePathStyle) {
        return new S3Config(List.of(bucket), endpoint, region, accessKeyId, secretAccessKey, null, forcePathStyle,
                null, Http.DEFAULT, null, Retry.DEFAULT, DEFAULT_MAX_PARALLEL_GET_CHUNK, "");
    }

    public S3Config withBuckets(List<String> buckets) {
        return new S3Config(buckets, endpoint, region, accessKeyId, secretAccessKey, sessionToken, forcePathStyle,
                sse, http, storageClass, retry, maxParallelGetChunk, objectPrefix);
    }

    public S3Config withObjectPrefix(String prefix) {
        return new S3Config(buckets, endpoint, region, accessKeyId, secretAccessKey, sessionToken, forcePathStyle,
                sse, http, storageClass, retry, maxParallelGetChunk, prefix);
    }

    public S3Config withRetry(Retry retry) {
        return new S3Config(buckets, endpoint, region, accessKeyId, secretAccessKey, sessionToken, forcePathStyle,
                sse, http, storageClass, retry, maxParallelGetChunk, objectPrefix);
    }

    public S3Config withSse(Sse sse) {
        return new S3Config(buckets, endpoint, region, accessKeyId, secretAccessKey, sessionToken, forcePathStyle,
                sse, http, storageClass, retry, maxParallelGetChunk, objectPrefix);
    }

    /** Without the secrets, so it can be logged. */
    @Override
    public String toString() {
        return "S3Config{buckets=" + buckets + ", endpoint=" + endpoint + ", region=" + region + ", accessKeyId="
                + accessKeyId + ", secretAccessKey=" + (secretAccessKey == null ? "null" : "<secret>")
                + ", sessionToken=" + (sessionToken == null ? "null" : "<secret>") + ", forcePathStyle="
                + forcePathStyle + ", sse=" + sse + ", http=" + http + ", storageClass=" + storageClass + ", retry="
                + retry + ", maxParallelGetChunk=" + maxParallelGetChunk + ", objectPrefix='" + objectPrefix + "'}";
    }

    /**
     * Reads the S3 settings from a whole storage block (Cortex {@code storage:}, Loki {@code storage_config:}, or
     * Loki's {@code common: storage:}): the {@code aws:} block (its {@code dynamodb:} sub-block belongs to the DynamoDB
     * backend and is skipped) or an {@code s3:} mapping, but not S3 settings in both; {@code object_prefix} and
     * {@code max_parallel_get_chunk} may also sit at the top of the storage block, as Loki has them.
     *
     * @param env environment lookup; only {@code AWS_REGION} is read (for an {@code s3://} URL naming an endpoint)
     * @throws ConfigException naming the key that is missing, unknown or malformed
     */
    public static S3Config fromStorageConfig(Map<String, Object> storage, UnaryOperator<String> env) {
        Map<String, Object> aws = mapping(storage.get("aws"), "aws");
        Object s3 = storage.get("s3");
        Map<String, Object> s3Block = s3 instanceof Map ? mapping(s3, "s3") : Map.of();
        if (s3 != null && !(s3 instanceof Map)) {
            throw new ConfigException("storage config key 's3' must be a mapping of S3 settings (Loki's s3: block);"
                    + " the s3:// URL goes in aws.s3");
        }
        boolean awsHasS3 = aws.keySet().stream().anyMatch(k -> !k.equals("dynamodb"));
        if (awsHasS3 && !s3Block.isEmpty()) {
            throw new ConfigException("S3 settings are in both the aws: and the s3: block of the storage config;"
                    + " keep them in one");
        }
        String path = s3Block.isEmpty() ? "aws" : "s3";
        Map<String, Object> block = s3Block.isEmpty() ? aws : s3Block;
        if (block.keySet().stream().noneMatch(k -> !k.equals("dynamodb"))) {
            throw new ConfigException("the s3 store needs S3 settings in the storage config: an aws: block"
                    + " (aws: {s3: s3://key:secret@region/bucket} or aws: {bucketnames: ..., region: ...}) or an s3:"
                    + " block");
        }
        return parse(path, block, storage, env);
    }

    /**
     * Reads one S3 block.
     *
     * @param path    the block's name in messages ({@code aws}, {@code s3})
     * @param block   the block
     * @param storage the enclosing storage block, for Loki's top-level {@code object_prefix} and
     *                {@code max_parallel_get_chunk} (the block's own values win); may be empty
     * @param env     environment lookup ({@code AWS_REGION})
     */
    public static S3Config parse(String path, Map<String, Object> block, Map<String, Object> storage,
            UnaryOperator<String> env) {
        for (String k : block.keySet()) {
            if (!KEYS.contains(k) && !(path.equals("aws") && k.equals("dynamodb"))) {
                throw new ConfigException("unknown key " + path + "." + k + "; known keys: " + new TreeSet<>(KEYS));
            }
        }
        List<String> buckets = new ArrayList<>();
        URI endpoint = null;
        String region = null;
        String accessKeyId = null;
        String secretAccessKey = null;

        String url = string(block, path, "s3");
        if (url != null && !url.isEmpty()) {
            S3Url u = S3Url.parse(url, path + ".s3", env);
            if (!u.bucket().isEmpty()) {
                buckets.add(u.bucket());
            }
            endpoint = u.endpoint();
            region = u.region();
            accessKeyId = u.accessKeyId();
            secretAccessKey = u.secretAccessKey();
        }
        String names = string(block, path, "bucketnames");
        if (names != null && !names.isBlank()) {
            buckets.clear();
            for (String b : names.split(",", -1)) {
                String name = b.strip();
                if (name.isEmpty()) {
                    throw new ConfigException(path + ".bucketnames has an empty bucket name: '" + names + "'");
                }
                buckets.add(name);
            }
        }
        if (buckets.isEmpty()) {
            throw new ConfigException(path + ": at least one bucket name must be given, in bucketnames or as the"
                    + " path of the s3 URL (s3://region/bucket)");
        }

        boolean insecure = bool(block, path, "insecure", false);
        String ep = string(block, path, "endpoint");
        if (ep != null && !ep.isBlank()) {
            endpoint = endpointUri(ep.strip(), insecure, path + ".endpoint");
        }
        String r = string(block, path, "region");
        if (r != null && !r.isBlank()) {
            region = r.strip();
        }
        if (endpoint != null && region == null) {
            region = DEFAULT_ENDPOINT_REGION;
        }
        if (insecure && endpoint == null && region != null) {
            endpoint = URI.create("http://s3." + region + ".amazonaws.com");
        }

        String id = string(block, path, "access_key_id");
        String secret = string(block, path, "secret_access_key");
        boolean hasId = id != null && !id.isEmpty();
        boolean hasSecret = secret != null && !secret.isEmpty();
        if (hasId != hasSecret) {
            throw new ConfigException(path + ": give both access_key_id and secret_access_key, or neither");
        }
        if (hasId) {
            accessKeyId = id;
            secretAccessKey = secret;
        }
        String token = string(block, path, "session_token");
        if (token != null && token.isEmpty()) {
            token = null;
        }
        if (token != null && accessKeyId == null) {
            throw new ConfigException(path + ".session_token needs access_key_id and secret_access_key");
        }

        String sig = string(block, path, "signature_version");
        if (sig != null && !sig.isEmpty() && !sig.equals("v4")) {
            throw new ConfigException(path + ".signature_version '" + sig + "' is not supported: the AWS SDK for"
                    + " Java v2 signs with v4 only (S3 retired v2 signatures); remove the key or set v4");
        }

        String storageClass = string(block, path, "storage_class");
        if (storageClass != null && storageClass.isEmpty()) {
            storageClass = null;
        }
        if (storageClass != null && software.amazon.awssdk.services.s3.model.StorageClass.fromValue(storageClass)
                == software.amazon.awssdk.services.s3.model.StorageClass.UNKNOWN_TO_SDK_VERSION) {
            throw new ConfigException(path + ".storage_class '" + storageClass + "' is not an S3 storage class; known:"
                    + " " + software.amazon.awssdk.services.s3.model.StorageClass.knownValues());
        }
        bool(block, path, "disable_dualstack", false); // accepted; the JVM already tries IPv4 and IPv6

        Object prefixObj = block.containsKey("object_prefix") ? block.get("object_prefix")
                : storage.get("object_prefix");
        String prefix = prefixObj == null ? "" : prefixObj.toString();
        Object parallel = block.containsKey("max_parallel_get_chunk") ? block.get("max_parallel_get_chunk")
                : storage.get("max_parallel_get_chunk");
        int maxParallel = parallel == null ? DEFAULT_MAX_PARALLEL_GET_CHUNK
                : integer(parallel, block.containsKey("max_parallel_get_chunk") ? path + ".max_parallel_get_chunk"
                        : "max_parallel_get_chunk");

        return new S3Config(buckets, endpoint, region, accessKeyId, secretAccessKey, token,
                bool(block, path, "s3forcepathstyle", false), sse(block, path), http(block, path), storageClass,
                retry(block, path), maxParallel, prefix);
    }

    private static Sse sse(Map<String, Object> block, String path) {
        Map<String, Object> m = mapping(block.get("sse"), path + ".sse");
        for (String k : m.keySet()) {
            if (!SSE_KEYS.contains(k)) {
                throw new ConfigException("unknown key " + path + ".sse." + k + "; known keys: "
                        + new TreeSet<>(SSE_KEYS));
            }
        }
        String type = string(m, path + ".sse", "type");
        if (type == null || type.isEmpty()) {
            // Cortex's deprecated sse_encryption: true means SSE-S3.
            return bool(block, path, "sse_encryption", false) ? new Sse(Sse.SSE_S3, null, null) : null;
        }
        String keyId = string(m, path + ".sse", "kms_key_id");
        Object context = m.get("kms_encryption_context");
        switch (type) {
            case Sse.SSE_S3 -> {
                if ((keyId != null && !keyId.isEmpty()) || context != null) {
                    throw new ConfigException(path + ".sse: kms_key_id and kms_encryption_context apply to SSE-KMS"
                            + " only, not SSE-S3");
                }
                return new Sse(Sse.SSE_S3, null, null);
            }
            case Sse.SSE_KMS -> {
                if (keyId == null || keyId.isEmpty()) {
                    throw new ConfigException(path + ".sse.kms_key_id is required with type SSE-KMS");
                }
                return new Sse(Sse.SSE_KMS, keyId, encryptionContext(context, path + ".sse.kms_encryption_context"));
            }
            default -> throw new ConfigException(path + ".sse.type '" + type + "' is not supported; use SSE-S3 or"
                    + " SSE-KMS");
        }
    }

    /** The context as S3 wants it in {@code x-amz-server-side-encryption-context}: base64 of the JSON text. */
    private static String encryptionContext(Object context, String key) {
        if (context == null || context.toString().isEmpty()) {
            return null;
        }
        ObjectMapper json = new ObjectMapper();
        String text;
        try {
            if (context instanceof Map<?, ?> m) {
                text = json.writeValueAsString(m);
            } else {
                text = context.toString();
            }
            json.readValue(text, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new ConfigException(key + " must be a JSON object of string values, such as"
                    + " {\"department\": \"ops\"}: " + e.getOriginalMessage(), e);
        }
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Http http(Map<String, Object> block, String path) {
        String p = path + ".http_config";
        Map<String, Object> m = mapping(block.get("http_config"), p);
        for (String k : m.keySet()) {
            if (!HTTP_KEYS.contains(k)) {
                throw new ConfigException("unknown key " + p + "." + k + "; known keys: " + new TreeSet<>(HTTP_KEYS));
            }
        }
        String ca = string(m, p, "ca_file");
        return new Http(duration(m, p, "idle_conn_timeout", Http.DEFAULT.idleConnTimeout()),
                duration(m, p, "response_header_timeout", Duration.ZERO), duration(m, p, "timeout", Duration.ZERO),
                bool(m, p, "insecure_skip_verify", false), ca == null || ca.isEmpty() ? null : ca);
    }

    private static Retry retry(Map<String, Object> block, String path) {
        String p = path + ".backoff_config";
        Map<String, Object> m = mapping(block.get("backoff_config"), p);
        for (String k : m.keySet()) {
            if (!BACKOFF_KEYS.contains(k)) {
                throw new ConfigException("unknown key " + p + "." + k + "; known keys: "
                        + new TreeSet<>(BACKOFF_KEYS));
            }
        }
        return new Retry(duration(m, p, "min_period", Retry.DEFAULT.minBackoff()),
                duration(m, p, "max_period", Retry.DEFAULT.maxBackoff()),
                m.get("max_retries") == null ? Retry.DEFAULT.maxAttempts()
                        : integer(m.get("max_retries"), p + ".max_retries"));
    }

    /** An endpoint as Cortex takes it: a URL, or a host[:port] that gets https (http with {@code insecure}). */
    static URI endpointUri(String ep, boolean insecure, String key) {
        String text = ep.contains("://") ? ep : (insecure ? "http://" : "https://") + ep;
        try {
            URI u = new URI(text);
            if (u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                throw new ConfigException(key + " '" + ep + "' is not an http(s) endpoint such as"
                        + " https://s3.eu-west-1.amazonaws.com or minio:9000");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ConfigException(key + " '" + ep + "' is not a valid endpoint: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> mapping(Object v, String key) {
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map)) {
            throw new ConfigException(key + " must be a mapping, not '" + v + "'");
        }
        return (Map<String, Object>) v;
    }

    static String string(Map<String, Object> m, String path, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Map || v instanceof List) {
            throw new ConfigException(path + "." + key + " must be a string");
        }
        return v.toString();
    }

    static boolean bool(Map<String, Object> m, String path, String key, boolean dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true" -> true;
            case "false", "" -> false;
            default -> throw new ConfigException(path + "." + key + " must be true or false, not '" + v + "'");
        };
    }

    static int integer(Object v, String key) {
        if (v instanceof Integer i) {
            return i;
        }
        try {
            return Integer.parseInt(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be an integer, not '" + v + "'", e);
        }
    }

    static Duration duration(Map<String, Object> m, String path, String key, Duration dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Integer || v instanceof Long) {
            long n = ((Number) v).longValue();
            if (n < 0) {
                throw new ConfigException(path + "." + key + " must not be negative, got " + v);
            }
            return Duration.ofNanos(n); // Go reads a bare YAML integer as nanoseconds
        }
        Duration d;
        try {
            d = GoDuration.parse(v.toString());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path + "." + key + ": " + e.getMessage(), e);
        }
        if (d.isNegative()) {
            throw new ConfigException(path + "." + key + " must not be negative, got " + v);
        }
        return d;
    }
}
