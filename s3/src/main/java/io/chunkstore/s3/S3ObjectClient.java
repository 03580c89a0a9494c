package io.chunkstore.s3;

import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.ObjectClient;
import io.chunkstore.spi.StorageException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * An {@link ObjectClient} on Amazon S3 or an S3-compatible store, through the AWS SDK for Java v2's
 * async client on Netty. Object names are the caller's keys under {@link S3Config#objectPrefix()};
 * with several buckets each object lives in the one {@link BucketSharding} picks. Every call blocks
 * until S3 answers; any number of threads may call at once (the HTTP client holds up to {@code
 * max(50, max_parallel_get_chunk)} connections).
 *
 * <p>Throttled (503 SlowDown, 429) and transiently failed (5xx, connection errors, timeouts)
 * requests are retried by the SDK's standard retry strategy with the configured attempts and
 * exponential back-off with jitter; when the attempts run out the error is a {@link
 * io.chunkstore.spi.ThrottledException} or an {@link io.chunkstore.spi.UnavailableException}. A
 * missing object is an {@link io.chunkstore.spi.ObjectNotFoundException}. {@link #deleteObject}
 * asks S3 with a HEAD first whether the object exists, because S3 answers a DELETE of a missing key
 * with success.
 */
public final class S3ObjectClient implements ObjectClient {
    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectClient.class);

    /** The largest page S3 returns, and the default page size of {@link #list}. */
    public static final int MAX_LIST_PAGE = 1000;

    private final S3Config config;
    private final BucketSharding sharding;
    private final SdkAsyncHttpClient http;
    private final S3AsyncClient s3;
    private final int listPageSize;
    private final AtomicBoolean closed = new AtomicBoolean();

    private S3ObjectClient(Builder b) {
        this.config = b.config;
        this.sharding = new BucketSharding(config.buckets());
        this.listPageSize = b.listPageSize;
        Region region = region(config);
        AwsCredentialsProvider credentials = credentials(config);
        this.http = httpClient(config);
        try {
            // The SDK calls response hooks in reverse order: the metrics interceptor goes first so
            // that it sees the
            // response last, with the status the SDK then acts on.
            List<ExecutionInterceptor> interceptors = new ArrayList<>();
            if (b.registry != null) {
                interceptors.add(new S3RequestMetrics(b.registry, b.metricName));
            }
            interceptors.addAll(b.interceptors);
            ClientOverrideConfiguration.Builder override =
                    ClientOverrideConfiguration.builder()
                            .retryStrategy(retryStrategy(config.retry()))
                            .executionInterceptors(interceptors);
            if (!config.http().timeout().isZero()) {
                override.apiCallAttemptTimeout(config.http().timeout());
            }
            var builder =
                    S3AsyncClient.builder()
                            .httpClient(http)
                            .region(region)
                            .credentialsProvider(credentials)
                            .forcePathStyle(config.forcePathStyle())
                            // The chunk envelope carries its own checksum, verified above this
                            // layer; asking S3 for the
                            // SDK's optional CRCs would break older S3-compatible stores (MinIO,
                            // Ceph) for no gain.
                            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                            .overrideConfiguration(override.build());
            if (config.endpoint() != null) {
                builder.endpointOverride(config.endpoint());
            }
            this.s3 = builder.build();
        } catch (RuntimeException e) {
            http.close();
            throw e instanceof StorageException se
                    ? se
                    : new ConfigException(
                            "cannot build the S3 client for " + config + ": " + e.getMessage(), e);
        }
        LOG.info("S3 object client: {}", config);
    }

    /** A client with the settings in {@code config} and no metrics. */
    public static S3ObjectClient create(S3Config config) {
        return builder(config).build();
    }

    public static Builder builder(S3Config config) {
        return new Builder(config);
    }

    /** Options beyond {@link S3Config}. */
    public static final class Builder {
        private final S3Config config;
        private MeterRegistry registry;
        private String metricName;
        private final List<ExecutionInterceptor> interceptors = new ArrayList<>();
        private int listPageSize = MAX_LIST_PAGE;

        private Builder(S3Config config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * Records {@code metricName} ({@code <namespace>_s3_request_duration_seconds}) in {@code
         * registry}.
         */
        public Builder metrics(MeterRegistry registry, String metricName) {
            this.registry = Objects.requireNonNull(registry, "registry");
            this.metricName = Objects.requireNonNull(metricName, "metricName");
            return this;
        }

        /** Adds an SDK interceptor; the metrics interceptor sees responses after it. */
        public Builder addInterceptor(ExecutionInterceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /** Keys per ListObjectsV2 page, 1 to 1000 (default 1000, S3's maximum). */
        public Builder listPageSize(int keys) {
            if (keys < 1 || keys > MAX_LIST_PAGE) {
                throw new IllegalArgumentException("list page size must be 1..1000, got " + keys);
            }
            this.listPageSize = keys;
            return this;
        }

        /**
         * Connects (lazily: no request is sent until the first call).
         *
         * @throws ConfigException when the region, credentials or CA file cannot be resolved
         */
        public S3ObjectClient build() {
            return new S3ObjectClient(this);
        }
    }

    public S3Config config() {
        return config;
    }

    /** The object name a key is stored under: the key after {@code object_prefix}. */
    public String objectName(String key) {
        return config.objectPrefix() + key;
    }

    /** The bucket that holds (or will hold) the object for a key. */
    public String bucketFor(String key) {
        return sharding.bucketFor(objectName(key));
    }

    @Override
    public void putObject(String key, byte[] data) {
        put(key, data.length, () -> AsyncRequestBody.fromBytesUnsafe(data));
    }

    /** Streams the file from disk (each attempt reads it again), never holding it in memory. */
    @Override
    public void putObject(String key, java.nio.file.Path file) {
        long size;
        try {
            size = java.nio.file.Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                    "cannot read " + file + " to store it as " + key + ": " + e, e);
        }
        put(key, size, () -> AsyncRequestBody.fromFile(file));
    }

    private void put(String key, long length, Supplier<AsyncRequestBody> body) {
        String name = objectName(key);
        String bucket = sharding.bucketFor(name);
        PutObjectRequest req = putRequest(bucket, name, length);
        await(() -> s3.putObject(req, body.get()), "putting object", bucket, name, key, false);
    }

    private PutObjectRequest putRequest(String bucket, String name, long length) {
        PutObjectRequest.Builder req =
                PutObjectRequest.builder().bucket(bucket).key(name).contentLength(length);
        S3Config.Sse sse = config.sse();
        if (sse != null) {
            if (sse.type().equals(S3Config.Sse.SSE_S3)) {
                req.serverSideEncryption(ServerSideEncryption.AES256);
            } else {
                req.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(sse.kmsKeyId());
                if (sse.kmsEncryptionContext() != null) {
                    req.ssekmsEncryptionContext(sse.kmsEncryptionContext());
                }
            }
        }
        if (config.storageClass() != null) {
            req.storageClass(config.storageClass());
        }
        return req.build();
    }

    @Override
    public byte[] getObject(String key) {
        String name = objectName(key);
        String bucket = sharding.bucketFor(name);
        GetObjectRequest req = GetObjectRequest.builder().bucket(bucket).key(name).build();
        return await(
                        () -> s3.getObject(req, AsyncResponseTransformer.toBytes()),
                        "getting object",
                        bucket,
                        name,
                        key,
                        true)
                .asByteArrayUnsafe();
    }

    /**
     * Lists every bucket under {@code object_prefix + prefix}, page by page, and returns names
     * without the {@code object_prefix}. With one bucket the order is S3's (by UTF-8 bytes of the
     * name); with several, objects are merged in that order and common prefixes that occur in more
     * than one bucket are given once.
     */
    @Override
    public ListResult list(String prefix, String delimiter) {
        String fullPrefix = objectName(prefix == null ? "" : prefix);
        String delim = delimiter == null || delimiter.isEmpty() ? null : delimiter;
        List<StorageObject> objects = new ArrayList<>();
        Set<String> prefixes = new LinkedHashSet<>();
        for (String bucket : sharding.buckets()) {
            String token = null;
            do {
                ListObjectsV2Request.Builder req =
                        ListObjectsV2Request.builder().bucket(bucket).maxKeys(listPageSize);
                if (!fullPrefix.isEmpty()) {
                    req.prefix(fullPrefix);
                }
                if (delim != null) {
                    req.delimiter(delim);
                }
                if (token != null) {
                    req.continuationToken(token);
                }
                ListObjectsV2Request r = req.build();
                ListObjectsV2Response page =
                        await(
                                () -> s3.listObjectsV2(r),
                                "listing",
                                bucket,
                                fullPrefix,
                                prefix,
                                false);
                for (S3Object o : page.contents()) {
                    objects.add(new StorageObject(stripPrefix(o.key()), o.lastModified()));
                }
                for (CommonPrefix p : page.commonPrefixes()) {
                    prefixes.add(stripPrefix(p.prefix()));
                }
                token =
                        Boolean.TRUE.equals(page.isTruncated())
                                ? page.nextContinuationToken()
                                : null;
            } while (token != null);
        }
        List<String> commonPrefixes = new ArrayList<>(prefixes);
        if (sharding.buckets().size() > 1) {
            objects.sort(Comparator.comparing(StorageObject::key, S3ObjectClient::compareUtf8));
            commonPrefixes.sort(S3ObjectClient::compareUtf8);
        }
        return new ListResult(objects, commonPrefixes);
    }

    /**
     * Deletes the object. S3 answers a DELETE of a missing key with success, so this first asks
     * with a HEAD whether the object exists and throws {@link
     * io.chunkstore.spi.ObjectNotFoundException} when it does not (one extra request per delete; it
     * also keeps versioned buckets free of delete markers for keys that were never there). An
     * object deleted by someone else between the HEAD and the DELETE is reported as deleted.
     */
    @Override
    public void deleteObject(String key) {
        String name = objectName(key);
        String bucket = sharding.bucketFor(name);
        HeadObjectRequest head = HeadObjectRequest.builder().bucket(bucket).key(name).build();
        await(() -> s3.headObject(head), "checking object", bucket, name, key, true);
        DeleteObjectRequest del = DeleteObjectRequest.builder().bucket(bucket).key(name).build();
        await(() -> s3.deleteObject(del), "deleting object", bucket, name, key, false);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                s3.close();
            } finally {
                http.close();
            }
        }
    }

    private String stripPrefix(String objectName) {
        String p = config.objectPrefix();
        return !p.isEmpty() && objectName.startsWith(p)
                ? objectName.substring(p.length())
                : objectName;
    }

    /** Orders strings as S3 lists keys: by code point, which is the order of their UTF-8 bytes. */
    static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private <T> T await(
            Supplier<CompletableFuture<T>> call,
            String operation,
            String bucket,
            String objectName,
            String key,
            boolean notFound) {
        if (closed.get()) {
            throw new StorageException(
                    "the S3 object client is closed ("
                            + operation
                            + " s3://"
                            + bucket
                            + "/"
                            + objectName
                            + ")");
        }
        CompletableFuture<T> f;
        try {
            f = call.get();
        } catch (RuntimeException e) {
            throw S3Errors.map(e, operation, bucket, objectName, key, notFound);
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new StorageException(
                    "interrupted while " + operation + " s3://" + bucket + "/" + objectName, e);
        } catch (ExecutionException | CancellationException e) {
            throw S3Errors.map(e, operation, bucket, objectName, key, notFound);
        }
    }

    private static Region region(S3Config config) {
        if (config.region() != null) {
            return Region.of(config.region());
        }
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkClientException e) {
            throw new ConfigException(
                    "no AWS region for S3: set region in the aws/s3 block, the region in the s3"
                            + " URL (s3://region/bucket), or AWS_REGION",
                    e);
        }
    }

    private static AwsCredentialsProvider credentials(S3Config config) {
        if (config.accessKeyId() == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(
                config.sessionToken() == null
                        ? AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey())
                        : AwsSessionCredentials.create(
                                config.accessKeyId(),
                                config.secretAccessKey(),
                                config.sessionToken()));
    }

    private static RetryStrategy retryStrategy(S3Config.Retry retry) {
        BackoffStrategy backoff =
                retry.minBackoff().isZero()
                        ? BackoffStrategy.retryImmediately()
                        : BackoffStrategy.exponentialDelay(retry.minBackoff(), retry.maxBackoff());
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(retry.maxAttempts())
                .backoffStrategy(backoff)
                .throttlingBackoffStrategy(backoff)
                .build();
    }

    private static SdkAsyncHttpClient httpClient(S3Config config) {
        S3Config.Http h = config.http();
        NettyNioAsyncHttpClient.Builder b =
                NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(Math.max(50, config.maxParallelGetChunk()));
        if (!h.idleConnTimeout().isZero()) {
            b.connectionMaxIdleTime(h.idleConnTimeout());
        }
        if (!h.responseHeaderTimeout().isZero()) {
            b.readTimeout(h.responseHeaderTimeout());
        }
        if (h.caFile() != null) {
            TrustManager[] trust = trustManagers(h.caFile());
            b.tlsTrustManagersProvider(() -> trust);
        }
        if (h.insecureSkipVerify()) {
            return b.buildWithDefaults(
                    AttributeMap.builder()
                            .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE)
                            .build());
        }
        return b.build();
    }

    /**
     * Trust managers that trust exactly the CA certificates in a PEM file ({@code
     * http_config.ca_file}).
     */
    static TrustManager[] trustManagers(String caFile) {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(Path.of(caFile))) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    "http_config.ca_file '"
                            + caFile
                            + "' cannot be read as PEM certificates: "
                            + e.getMessage(),
                    e);
        }
        if (certs.isEmpty()) {
            throw new ConfigException("http_config.ca_file '" + caFile + "' holds no certificate");
        }
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf.getTrustManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("http_config.ca_file '" + caFile + "': " + e.getMessage(), e);
        }
    }
}
