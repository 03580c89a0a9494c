package io.chunkstore.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.ConfigBinder;
import io.chunkstore.spi.support.ConfigKey;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The S3 settings, read from Cortex's {@code storage: aws:} block, Loki's {@code storage_config:
 * aws:} block (the same keys) or a Loki {@code s3:} block (the keys of Loki's common storage {@code
 * s3:} section), plus Loki's {@code storage_config} keys {@code object_prefix} and {@code
 * max_parallel_get_chunk}. See the module README for every key and its default.
 *
 * @param buckets bucket names, in configured order (objects are spread over them by FNV-32a)
 * @param endpoint endpoint to use instead of AWS's, or null for the region's S3 endpoint
 * @param region signing region, or null for the SDK's default region chain
 * @param accessKeyId static credentials, or null for the SDK's default credentials chain
 * @param secretAccessKey secret of the static credentials (never printed)
 * @param sessionToken session token of temporary static credentials, or null (never printed)
 * @param forcePathStyle {@code http://host/bucket/key} instead of {@code http://bucket.host/key}
 * @param sse server-side encryption of written objects, or null for the bucket's default
 * @param http HTTP client settings
 * @param storageClass storage class of written objects, or null for the bucket's default (STANDARD)
 * @param retry retries of throttled and transiently failed requests
 * @param maxParallelGetChunk how many chunks one fetch reads at once (Loki {@code
 *     max_parallel_get_chunk})
 * @param objectPrefix prefix of every object name (Loki {@code object_prefix}), "" for none
 */
public record S3Config(
        List<String> buckets,
        URI endpoint,
        String region,
        String accessKeyId,
        String secretAccessKey,
        String sessionToken,
        boolean forcePathStyle,
        Sse sse,
        Http http,
        String storageClass,
        Retry retry,
        int maxParallelGetChunk,
        String objectPrefix) {

    /** Loki's default {@code max_parallel_get_chunk}. Cortex uses up to 1000 at once. */
    public static final int DEFAULT_MAX_PARALLEL_GET_CHUNK = 150;

    /**
     * The region used with a custom endpoint when none is configured (S3-compatible stores ignore
     * it).
     */
    public static final String DEFAULT_ENDPOINT_REGION = "us-east-1";

    /**
     * An S3 block as written in YAML: Cortex's and Loki's {@code aws:} keys, which Loki's {@code
     * s3:} block shares.
     *
     * @param s3 {@code s3}
     * @param s3forcepathstyle {@code s3forcepathstyle}
     * @param bucketnames {@code bucketnames}
     * @param endpoint {@code endpoint}
     * @param region {@code region}
     * @param accessKeyId {@code access_key_id}
     * @param secretAccessKey {@code secret_access_key}
     * @param sessionToken {@code session_token}
     * @param insecure {@code insecure}
     * @param sseEncryption {@code sse_encryption}
     * @param sse {@code sse}
     * @param httpConfig {@code http_config}
     * @param signatureVersion {@code signature_version}
     * @param storageClass {@code storage_class}
     * @param backoffConfig {@code backoff_config}
     * @param disableDualstack {@code disable_dualstack}
     * @param maxParallelGetChunk {@code max_parallel_get_chunk}
     * @param objectPrefix {@code object_prefix}
     */
    public record Block(
            @ConfigKey(
                            value = "s3",
                            doc =
                                    "s3://region/bucket or s3://key:secret@region/bucket (%-escape the"
                                            + " secret); a host with a dot or a port is an endpoint reached over http, an https:// URL over"
                                            + " https.")
                    String s3,
            @ConfigKey(
                            value = "s3forcepathstyle",
                            doc =
                                    "http://host/bucket/key instead of"
                                            + " http://bucket.host/key; needed by MinIO and most S3-compatible stores.")
                    boolean s3forcepathstyle,
            @ConfigKey(
                            value = "bucketnames",
                            doc =
                                    "Comma-separated bucket names, instead of the bucket of the s3"
                                            + " URL; with several, an object lives in buckets[FNV-32a(object name) mod n]: keep the writer's"
                                            + " list in the writer's order.")
                    String bucketnames,
            @ConfigKey(
                            value = "endpoint",
                            doc =
                                    "Endpoint instead of AWS's: a URL, or host[:port] reached over"
                                            + " https (http with insecure).")
                    String endpoint,
            @ConfigKey(
                            value = "region",
                            doc =
                                    "Signing region; when empty the s3 URL's, else us-east-1 with"
                                            + " an endpoint, else the SDK's region chain (AWS_REGION, profile).")
                    String region,
            @ConfigKey(
                            value = "access_key_id",
                            doc =
                                    "Static credentials (with secret_access_key); when empty the"
                                            + " URL's, else the SDK's default chain (env, profile, web identity, instance role).")
                    String accessKeyId,
            @ConfigKey(value = "secret_access_key", doc = "Secret of the static credentials.")
                    String secretAccessKey,
            @ConfigKey(
                            value = "session_token",
                            doc = "Session token of temporary static credentials.")
                    String sessionToken,
            @ConfigKey(value = "insecure", doc = "Plain http to the endpoint.") boolean insecure,
            @ConfigKey(
                            value = "sse_encryption",
                            doc = "Cortex's deprecated switch: true means SSE-S3.")
                    boolean sseEncryption,
            @ConfigKey(value = "sse", doc = "Server-side encryption of written objects.")
                    SseBlock sse,
            @ConfigKey(value = "http_config", doc = "The HTTP client.") HttpBlock httpConfig,
            @ConfigKey(value = "signature_version", doc = "Only v4 (the SDK signs with v4 only).")
                    String signatureVersion,
            @ConfigKey(
                            value = "storage_class",
                            doc =
                                    "Storage class of written objects (STANDARD_IA, ...),"
                                            + " checked against the SDK's list; the bucket's default when empty.")
                    String storageClass,
            @ConfigKey(
                            value = "backoff_config",
                            doc = "Retries of throttled and transiently failed requests.")
                    BackoffBlock backoffConfig,
            @ConfigKey(
                            value = "disable_dualstack",
                            doc = "Accepted; the JVM already tries IPv4 and IPv6.")
                    boolean disableDualstack,
            @ConfigKey(
                            value = "max_parallel_get_chunk",
                            dflt = "" + DEFAULT_MAX_PARALLEL_GET_CHUNK,
                            min = 1,
                            doc =
                                    "Chunks one fetch reads at once (also read at the top of Loki's storage_config).")
                    int maxParallelGetChunk,
            @ConfigKey(
                            value = "object_prefix",
                            doc =
                                    "Prefix of every object name (also read at the top of Loki's"
                                            + " storage_config).")
                    String objectPrefix) {}

    /** {@code sse}: server-side encryption. */
    public record SseBlock(
            @ConfigKey(
                            value = "type",
                            oneOf = {"", Sse.SSE_S3, Sse.SSE_KMS},
                            doc = "The encryption; none when" + " empty.")
                    String type,
            @ConfigKey(value = "kms_key_id", doc = "The KMS key (SSE-KMS only).") String kmsKeyId,
            @ConfigKey(
                            value = "kms_encryption_context",
                            doc =
                                    "Encryption context (SSE-KMS only): a mapping or a"
                                            + " JSON object of strings.")
                    Object kmsEncryptionContext) {}

    /** {@code http_config}: the HTTP client. */
    public record HttpBlock(
            @ConfigKey(
                            value = "idle_conn_timeout",
                            dflt = "90s",
                            doc =
                                    "How long an idle connection is kept (0: the"
                                            + " client's default, 60s).")
                    Duration idleConnTimeout,
            @ConfigKey(
                            value = "response_header_timeout",
                            doc =
                                    "The longest silence while waiting for a"
                                            + " response (also between body reads); 0 for the client's default read timeout (30s).")
                    Duration responseHeaderTimeout,
            @ConfigKey(value = "timeout", doc = "Limit of one attempt of a request; 0 for none.")
                    Duration timeout,
            @ConfigKey(value = "insecure_skip_verify", doc = "Accept any TLS certificate.")
                    boolean insecureSkipVerify,
            @ConfigKey(
                            value = "ca_file",
                            doc = "PEM file of CA certificates to trust instead of the JVM's.")
                    String caFile) {}

    /** {@code backoff_config}: Loki's retries of S3 requests. */
    public record BackoffBlock(
            @ConfigKey(
                            value = "min_period",
                            dflt = "100ms",
                            doc = "Base of the exponential back-off.")
                    Duration minPeriod,
            @ConfigKey(value = "max_period", dflt = "3s", doc = "Cap of one wait.")
                    Duration maxPeriod,
            @ConfigKey(
                            value = "max_retries",
                            dflt = "5",
                            doc =
                                    "Attempts in all, the first included (as Loki"
                                            + " counts); at least 1 (Cortex's 0 = forever is refused).")
                    int maxRetries) {}

    /** The S3 keys Loki has at the top of {@code storage_config}; the S3 block's own values win. */
    record LokiStorageKeys(
            @ConfigKey(
                            value = "max_parallel_get_chunk",
                            dflt = "" + DEFAULT_MAX_PARALLEL_GET_CHUNK,
                            min = 1,
                            doc = "Chunks one fetch reads at once.")
                    int maxParallelGetChunk,
            @ConfigKey(value = "object_prefix", doc = "Prefix of every object name.")
                    String objectPrefix) {}

    public S3Config {
        buckets = List.copyOf(buckets);
        if (buckets.isEmpty()) {
            throw new ConfigException(
                    "at least one S3 bucket is needed (bucketnames, or the bucket of the s3 URL)");
        }
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(retry, "retry");
        objectPrefix = objectPrefix == null ? "" : objectPrefix;
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new ConfigException(
                    "S3 config: give both access_key_id and secret_access_key, or neither"
                            + " (to use the default AWS credentials chain)");
        }
        if (maxParallelGetChunk < 1) {
            throw new ConfigException(
                    "max_parallel_get_chunk must be at least 1, got " + maxParallelGetChunk);
        }
    }

    /**
     * Server-side encryption of written objects.
     *
     * @param type {@code SSE-S3} or {@code SSE-KMS}
     * @param kmsKeyId the KMS key (SSE-KMS only)
     * @param kmsEncryptionContext the encryption context, a JSON object of strings, base64-encoded
     *     as S3 wants it, or null
     */
    public record Sse(String type, String kmsKeyId, String kmsEncryptionContext) {
        public static final String SSE_S3 = "SSE-S3";
        public static final String SSE_KMS = "SSE-KMS";
    }

    /**
     * The HTTP client.
     *
     * @param idleConnTimeout how long an idle connection is kept (default 90s)
     * @param responseHeaderTimeout how long to wait for a response after the request was written;
     *     zero for the client's default read timeout (30s)
     * @param timeout limit of one attempt of a request, zero for none
     * @param insecureSkipVerify accept any TLS certificate
     * @param caFile PEM file of CA certificates to trust instead of the JVM's, or null
     */
    public record Http(
            Duration idleConnTimeout,
            Duration responseHeaderTimeout,
            Duration timeout,
            boolean insecureSkipVerify,
            String caFile) {
        public static final Http DEFAULT =
                new Http(Duration.ofSeconds(90), Duration.ZERO, Duration.ZERO, false, null);
    }

    /**
     * Retries of throttled (503 SlowDown, 429) and transiently failed (5xx, connection errors,
     * timeouts) requests, done by the SDK's standard retry strategy.
     *
     * @param minBackoff base of the exponential back-off (Loki {@code min_period}, 100ms)
     * @param maxBackoff cap of one wait (Loki {@code max_period}, 3s)
     * @param maxAttempts attempts in all, the first included (Loki {@code max_retries}, 5)
     */
    public record Retry(Duration minBackoff, Duration maxBackoff, int maxAttempts) {
        public static final Retry DEFAULT =
                new Retry(Duration.ofMillis(100), Duration.ofSeconds(3), 5);

        public Retry {
            if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
                throw new ConfigException(
                        "backoff_config needs 0 <= min_period <= max_period, got min_period "
                                + minBackoff
                                + ", max_period "
                                + maxBackoff);
            }
            if (maxAttempts < 1) {
                throw new ConfigException(
                        "backoff_config.max_retries must be at least 1 for S3 (it counts attempts,"
                                + " the first included; 0, which Cortex reads as 'retry forever', is not allowed), got "
                                + maxAttempts);
            }
        }
    }

    /** A config for tests and tools: one bucket at an endpoint, static credentials. */
    public static S3Config of(
            String bucket,
            URI endpoint,
            String region,
            String accessKeyId,
            String secretAccessKey,
            boolean forcePathStyle) {
        return new S3Config(
                List.of(bucket),
                endpoint,
                region,
                accessKeyId,
                secretAccessKey,
                null,
                forcePathStyle,
                null,
                Http.DEFAULT,
                null,
                Retry.DEFAULT,
                DEFAULT_MAX_PARALLEL_GET_CHUNK,
                "");
    }

    public S3Config withBuckets(List<String> buckets) {
        return new S3Config(
                buckets,
                endpoint,
                region,
                accessKeyId,
                secretAccessKey,
                sessionToken,
                forcePathStyle,
                sse,
                http,
                storageClass,
                retry,
                maxParallelGetChunk,
                objectPrefix);
    }

    public S3Config withObjectPrefix(String prefix) {
        return new S3Config(
                buckets,
                endpoint,
                region,
                accessKeyId,
                secretAccessKey,
                sessionToken,
                forcePathStyle,
                sse,
                http,
                storageClass,
                retry,
                maxParallelGetChunk,
                prefix);
    }

    public S3Config withRetry(Retry retry) {
        return new S3Config(
                buckets,
                endpoint,
                region,
                accessKeyId,
                secretAccessKey,
                sessionToken,
                forcePathStyle,
                sse,
                http,
                storageClass,
                retry,
                maxParallelGetChunk,
                objectPrefix);
    }

    public S3Config withSse(Sse sse) {
        return new S3Config(
                buckets,
                endpoint,
                region,
                accessKeyId,
                secretAccessKey,
                sessionToken,
                forcePathStyle,
                sse,
                http,
                storageClass,
                retry,
                maxParallelGetChunk,
                objectPrefix);
    }

    /** Without the secrets, so it can be logged. */
    @Override
    public String toString() {
        return "S3Config{buckets="
                + buckets
                + ", endpoint="
                + endpoint
                + ", region="
                + region
                + ", accessKeyId="
                + accessKeyId
                + ", secretAccessKey="
                + (secretAccessKey == null ? "null" : "<secret>")
                + ", sessionToken="
                + (sessionToken == null ? "null" : "<secret>")
                + ", forcePathStyle="
                + forcePathStyle
                + ", sse="
                + sse
                + ", http="
                + http
                + ", storageClass="
                + storageClass
                + ", retry="
                + retry
                + ", maxParallelGetChunk="
                + maxParallelGetChunk
                + ", objectPrefix='"
                + objectPrefix
                + "'}";
    }

    /**
     * Reads the S3 settings from a whole storage block (Cortex {@code storage:}, Loki {@code
     * storage_config:}, or Loki's {@code common: storage:}): the {@code aws:} block (its {@code
     * dynamodb:} sub-block belongs to the DynamoDB backend and is skipped) or an {@code s3:}
     * mapping, but not S3 settings in both; {@code object_prefix} and {@code
     * max_parallel_get_chunk} may also sit at the top of the storage block, as Loki has them.
     *
     * @param env environment lookup; only {@code AWS_REGION} is read (for an {@code s3://} URL
     *     naming an endpoint)
     * @throws ConfigException naming the key that is missing, unknown or malformed
     */
    public static S3Config fromStorageConfig(
            Map<String, Object> storage, UnaryOperator<String> env) {
        Object awsValue = storage.get("aws");
        if (awsValue != null && !(awsValue instanceof Map)) {
            throw new ConfigException("aws must be a mapping, not '" + awsValue + "'");
        }
        Map<String, Object> aws = withoutDynamodb(awsValue);
        Object s3 = storage.get("s3");
        if (s3 != null && !(s3 instanceof Map)) {
            throw new ConfigException(
                    "storage config key 's3' must be a mapping of S3 settings (Loki's s3: block);"
                            + " the s3:// URL goes in aws.s3");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> s3Block = s3 == null ? Map.of() : (Map<String, Object>) s3;
        if (!aws.isEmpty() && !s3Block.isEmpty()) {
            throw new ConfigException(
                    "S3 settings are in both the aws: and the s3: block of the storage config;"
                            + " keep them in one");
        }
        if (aws.isEmpty() && s3Block.isEmpty()) {
            throw new ConfigException(
                    "the s3 store needs S3 settings in the storage config: an aws: block"
                            + " (aws: {s3: s3://key:secret@region/bucket} or aws: {bucketnames: ..., region: ...}) or an s3:"
                            + " block");
        }
        return s3Block.isEmpty()
                ? parse("aws", aws, storage, env)
                : parse("s3", s3Block, storage, env);
    }

    /**
     * The {@code aws:} block without its {@code dynamodb:} sub-block, which belongs to the DynamoDB
     * backend.
     */
    private static Map<String, Object> withoutDynamodb(Object aws) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (aws instanceof Map<?, ?> m) {
            m.forEach(
                    (k, v) -> {
                        if (!"dynamodb".equals(k)) {
                            out.put(String.valueOf(k), v);
                        }
                    });
        }
        return out;
    }

    /**
     * Reads one S3 block.
     *
     * @param path the block's name in messages ({@code aws}, {@code s3})
     * @param block the block ({@code aws:} with its {@code dynamodb:} sub-block, which is skipped)
     * @param storage the enclosing storage block, for Loki's top-level {@code object_prefix} and
     *     {@code max_parallel_get_chunk} (the block's own values win); may be empty
     * @param env environment lookup ({@code AWS_REGION})
     */
    public static S3Config parse(
            String path,
            Map<String, Object> block,
            Map<String, Object> storage,
            UnaryOperator<String> env) {
        Map<String, Object> own = path.equals("aws") ? withoutDynamodb(block) : block;
        Block b = ConfigBinder.bind(Block.class, own, path);
        List<String> buckets = new ArrayList<>();
        URI endpoint = null;
        String region = null;
        String accessKeyId = null;
        String secretAccessKey = null;

        if (!b.s3().isEmpty()) {
            S3Url u = S3Url.parse(b.s3(), path + ".s3", env);
            if (!u.bucket().isEmpty()) {
                buckets.add(u.bucket());
            }
            endpoint = u.endpoint();
            region = u.region();
            accessKeyId = u.accessKeyId();
            secretAccessKey = u.secretAccessKey();
        }
        String names = b.bucketnames();
        if (!names.isBlank()) {
            buckets.clear();
            for (String name : names.split(",", -1)) {
                if (name.isBlank()) {
                    throw new ConfigException(
                            path + ".bucketnames has an empty bucket name: '" + names + "'");
                }
                buckets.add(name.strip());
            }
        }
        if (buckets.isEmpty()) {
            throw new ConfigException(
                    path
                            + ": at least one bucket name must be given, in bucketnames or as the"
                            + " path of the s3 URL (s3://region/bucket)");
        }

        if (!b.endpoint().isBlank()) {
            endpoint = endpointUri(b.endpoint().strip(), b.insecure(), path + ".endpoint");
        }
        if (!b.region().isBlank()) {
            region = b.region().strip();
        }
        if (endpoint != null && region == null) {
            region = DEFAULT_ENDPOINT_REGION;
        }
        if (b.insecure() && endpoint == null && region != null) {
            endpoint = URI.create("http://s3." + region + ".amazonaws.com");
        }

        boolean hasId = !b.accessKeyId().isEmpty();
        if (hasId != !b.secretAccessKey().isEmpty()) {
            throw new ConfigException(
                    path + ": give both access_key_id and secret_access_key, or neither");
        }
        if (hasId) {
            accessKeyId = b.accessKeyId();
            secretAccessKey = b.secretAccessKey();
        }
        String token = b.sessionToken().isEmpty() ? null : b.sessionToken();
        if (token != null && accessKeyId == null) {
            throw new ConfigException(
                    path + ".session_token needs access_key_id and secret_access_key");
        }

        String sig = b.signatureVersion();
        if (!sig.isEmpty() && !sig.equals("v4")) {
            throw new ConfigException(
                    path
                            + ".signature_version '"
                            + sig
                            + "' is not supported: the AWS SDK for"
                            + " Java v2 signs with v4 only (S3 retired v2 signatures); remove the key or set v4");
        }

        String storageClass = b.storageClass().isEmpty() ? null : b.storageClass();
        if (storageClass != null
                && software.amazon.awssdk.services.s3.model.StorageClass.fromValue(storageClass)
                        == software.amazon.awssdk.services.s3.model.StorageClass
                                .UNKNOWN_TO_SDK_VERSION) {
            throw new ConfigException(
                    path
                            + ".storage_class '"
                            + storageClass
                            + "' is not an S3 storage class; known:"
                            + " "
                            + software.amazon.awssdk.services.s3.model.StorageClass.knownValues());
        }

        LokiStorageKeys top = ConfigBinder.bindShared(LokiStorageKeys.class, storage, "");
        String prefix = own.get("object_prefix") != null ? b.objectPrefix() : top.objectPrefix();
        int maxParallel =
                own.get("max_parallel_get_chunk") != null
                        ? b.maxParallelGetChunk()
                        : top.maxParallelGetChunk();
        HttpBlock h = b.httpConfig();
        Http http =
                new Http(
                        h.idleConnTimeout(),
                        h.responseHeaderTimeout(),
                        h.timeout(),
                        h.insecureSkipVerify(),
                        h.caFile().isEmpty() ? null : h.caFile());
        BackoffBlock r = b.backoffConfig();
        return new S3Config(
                buckets,
                endpoint,
                region,
                accessKeyId,
                secretAccessKey,
                token,
                b.s3forcepathstyle(),
                sse(b, path),
                http,
                storageClass,
                new Retry(r.minPeriod(), r.maxPeriod(), r.maxRetries()),
                maxParallel,
                prefix);
    }

    private static Sse sse(Block b, String path) {
        SseBlock m = b.sse();
        if (m.type().isEmpty()) {
            // Cortex's deprecated sse_encryption: true means SSE-S3.
            return b.sseEncryption() ? new Sse(Sse.SSE_S3, null, null) : null;
        }
        Object context = m.kmsEncryptionContext();
        if (m.type().equals(Sse.SSE_S3)) {
            if (!m.kmsKeyId().isEmpty() || context != null) {
                throw new ConfigException(
                        path
                                + ".sse: kms_key_id and kms_encryption_context apply to SSE-KMS"
                                + " only, not SSE-S3");
            }
            return new Sse(Sse.SSE_S3, null, null);
        }
        if (m.kmsKeyId().isEmpty()) {
            throw new ConfigException(path + ".sse.kms_key_id is required with type SSE-KMS");
        }
        return new Sse(
                Sse.SSE_KMS,
                m.kmsKeyId(),
                encryptionContext(context, path + ".sse.kms_encryption_context"));
    }

    /**
     * The context as S3 wants it in {@code x-amz-server-side-encryption-context}: base64 of the
     * JSON text.
     */
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
            json.readValue(text, new TypeReference<Map<String, String>>() {});
        } catch (JsonProcessingException e) {
            throw new ConfigException(
                    key
                            + " must be a JSON object of string values, such as"
                            + " {\"department\": \"ops\"}: "
                            + e.getOriginalMessage(),
                    e);
        }
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An endpoint as Cortex takes it: a URL, or a host[:port] that gets https (http with {@code
     * insecure}).
     */
    static URI endpointUri(String ep, boolean insecure, String key) {
        String text = ep.contains("://") ? ep : (insecure ? "http://" : "https://") + ep;
        try {
            URI u = new URI(text);
            if (u.getHost() == null
                    || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                throw new ConfigException(
                        key
                                + " '"
                                + ep
                                + "' is not an http(s) endpoint such as"
                                + " https://s3.eu-west-1.amazonaws.com or minio:9000");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ConfigException(
                    key + " '" + ep + "' is not a valid endpoint: " + e.getMessage(), e);
        }
    }
}
