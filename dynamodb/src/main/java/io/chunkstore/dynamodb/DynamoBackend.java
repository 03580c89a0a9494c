package io.chunkstore.dynamodb;

import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.UnavailableException;
import io.chunkstore.spi.support.DaemonThreads;
import io.chunkstore.spi.support.SimpleBackend;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;

/**
 * One opened DynamoDB store: the SDK client, the worker threads, the rate limiters and the metrics
 * shared by its index, chunk and table clients. Store {@code aws-dynamo} has all three; store
 * {@code aws} has the index and the tables (its chunks live in S3, another backend).
 */
public final class DynamoBackend extends SimpleBackend {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoBackend.class);

    /** The longest one DynamoDB call may take before it fails as a timeout (and is retried). */
    static final Duration API_CALL_TIMEOUT = Duration.ofMinutes(2);

    /** How long {@link #checkHealth()} waits for DynamoDB. */
    static final int HEALTH_CHECK_SECONDS = 5;

    private final DynamoConfig config;
    private final DynamoDbAsyncClient client;
    private final ExecutorService workers;

    /**
     * The SDK client and the worker threads the three clients share, with what they need to be
     * built.
     */
    private record Shared(
            DynamoDbAsyncClient client,
            ExecutorService workers,
            Calls calls,
            BatchWriter writer,
            Capabilities capabilities) {}

    private DynamoBackend(String storeName, DynamoConfig config, Shared s) {
        super(
                storeName,
                s.capabilities(),
                new DynamoIndexClient(
                        s.client(),
                        s.calls(),
                        s.writer(),
                        config.queryParallelism(),
                        config.consistentReads(),
                        config.queryPageLimit()),
                s.capabilities().has(Feature.CHUNKS)
                        ? new DynamoChunkClient(
                                s.client(),
                                s.calls(),
                                s.writer(),
                                s.workers(),
                                config.chunkGangSize(),
                                config.chunkGetMaxParallelism(),
                                config.consistentReads())
                        : null,
                new DynamoTableClient(
                        s.client(),
                        s.calls(),
                        new TokenBucket(config.apiLimit(), 1),
                        config.kmsKeyId()));
        this.config = config;
        this.client = s.client();
        this.workers = s.workers();
        LOG.info("opened DynamoDB store {}: {}", storeName, config);
    }

    /**
     * Opens a store.
     *
     * @param storeName {@code aws-dynamo} or {@code aws}
     * @param config where and how to reach DynamoDB
     * @param registry where the metrics go
     * @param metricName the metric namer ({@code BackendContext::metricName})
     * @param customizer last say over the SDK client builder (tests add an ExecutionInterceptor);
     *     may be null
     */
    public static DynamoBackend open(
            String storeName,
            DynamoConfig config,
            MeterRegistry registry,
            UnaryOperator<String> metricName,
            Consumer<DynamoDbAsyncClientBuilder> customizer) {
        DynamoDbAsyncClient client = buildClient(config, customizer);
        ExecutorService workers =
                Executors.newCachedThreadPool(
                        DaemonThreads.named("chunkstore-dynamodb-" + storeName));
        Calls calls = new Calls(DynamoMetrics.create(registry, metricName), config.backoff());
        BatchWriter writer =
                new BatchWriter(
                        client,
                        calls,
                        new TokenBucket(config.throttleLimit(), 25),
                        config.writeParallelism(),
                        workers);
        return new DynamoBackend(
                storeName,
                config,
                new Shared(
                        client,
                        workers,
                        calls,
                        writer,
                        DynamoStorageProvider.capabilitiesOf(storeName)));
    }

    private static DynamoDbAsyncClient buildClient(
            DynamoConfig config, Consumer<DynamoDbAsyncClientBuilder> customizer) {
        int connections =
                2 * config.queryParallelism()
                        + config.writeParallelism()
                        + config.chunkGetMaxParallelism()
                        + 8;
        DynamoDbAsyncClientBuilder b =
                DynamoDbAsyncClient.builder()
                        .region(Region.of(config.region()))
                        .httpClientBuilder(
                                NettyNioAsyncHttpClient.builder()
                                        .maxConcurrency(connections)
                                        .connectionAcquisitionTimeout(Duration.ofSeconds(60)))
                        // Cortex turns the SDK's retries off and retries itself, so throttling is
                        // seen and bounded
                        .overrideConfiguration(
                                ClientOverrideConfiguration.builder()
                                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                                        // a safety net: no call waits forever (it then counts as a
                                        // transient failure)
                                        .apiCallTimeout(API_CALL_TIMEOUT)
                                        .build());
        if (config.endpoint() != null) {
            b.endpointOverride(config.endpoint());
        }
        if (config.accessKeyId() != null) {
            b.credentialsProvider(
                    StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(
                                    config.accessKeyId(), config.secretAccessKey())));
        } else {
            b.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        if (customizer != null) {
            customizer.accept(b);
        }
        return b.build();
    }

    @Override
    protected String lacking(Feature client) {
        return "store '"
                + storeName()
                + "' keeps only the index and tables in DynamoDB; as an object_store, 'aws'"
                + " means S3 (another backend). Use store 'aws-dynamo' to keep chunks in DynamoDB";
    }

    /**
     * One ListTables call of one table, without the back-off's retries, for at most {@value
     * #HEALTH_CHECK_SECONDS} s: an unreachable endpoint fails here at once, naming it.
     */
    @Override
    public void checkHealth() {
        String where =
                config.endpoint() != null
                        ? config.endpoint().toString()
                        : "region " + config.region();
        try {
            client.listTables(ListTablesRequest.builder().limit(1).build())
                    .get(HEALTH_CHECK_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while checking DynamoDB at " + where, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new UnavailableException(
                    "DynamoDB at "
                            + where
                            + " does not answer within "
                            + HEALTH_CHECK_SECONDS
                            + " s (store '"
                            + storeName()
                            + "')",
                    e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = DynamoErrors.unwrap(e);
            throw new UnavailableException(
                    "DynamoDB at "
                            + where
                            + " cannot be reached (store '"
                            + storeName()
                            + "'): "
                            + cause.getMessage(),
                    cause);
        }
    }

    /** The SDK client, for tools that need a raw call (and for tests). */
    public DynamoDbAsyncClient sdkClient() {
        return client;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
