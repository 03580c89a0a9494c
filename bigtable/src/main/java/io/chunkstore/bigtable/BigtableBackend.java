package io.chunkstore.bigtable;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminSettings;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import com.google.cloud.bigtable.data.v2.stub.metrics.NoopMetricsProvider;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.support.DaemonThreads;
import io.chunkstore.spi.support.SimpleBackend;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One opened Bigtable store: a data client and a table admin client (sharing nothing but the
 * config), the index, chunk and table clients over them, and the worker threads that run reads in
 * parallel. Open it through {@link BigtableStorageProvider} or {@link #open}.
 */
public final class BigtableBackend extends SimpleBackend {
    /** Bigtable's limit on one cell value, 100 MiB: the largest chunk a Bigtable store takes. */
    public static final long MAX_CELL_BYTES = 100L << 20;

    /** Room left under a configured gRPC message limit for the rest of the message. */
    static final long MESSAGE_OVERHEAD = 64L << 10;

    /** Scopes asked for with a key file. */
    static final List<String> SCOPES =
            List.of(
                    "https://www.googleapis.com/auth/bigtable.data",
                    "https://www.googleapis.com/auth/bigtable.admin.table",
                    "https://www.googleapis.com/auth/cloud-platform");

    /**
     * What every Bigtable store can do (data outlives the clients; with the emulator, as long as it
     * runs).
     */
    static final Capabilities CAPABILITIES =
            Capabilities.of(
                            Feature.INDEX,
                            Feature.CHUNKS,
                            Feature.TABLES,
                            Feature.MISSING_TABLE_ERRORS,
                            Feature.CHUNK_DELETE,
                            Feature.INDEX_SCAN,
                            Feature.PERSISTENT)
                    .withMaxChunkSize(MAX_CELL_BYTES);

    private static final Logger LOG = LoggerFactory.getLogger(BigtableBackend.class);

    private final BigtableDataClient data;
    private final BigtableTableAdminClient admin;
    private final ExecutorService workers;

    private BigtableBackend(
            String storeName,
            Capabilities capabilities,
            BigtableConfig config,
            BigtableDataClient data,
            BigtableTableAdminClient admin,
            ExecutorService workers,
            int pageCells) {
        super(
                storeName,
                capabilities,
                new BigtableIndexClient(
                        data,
                        IndexLayout.forStore(storeName),
                        config.queryConcurrency(),
                        pageCells),
                new BigtableChunkClient(
                        data, workers, config.chunkGetConcurrency(), capabilities.maxChunkSize()),
                new BigtableTableClient(
                        admin,
                        config.tableCacheEnabled(),
                        config.tableCacheExpiration(),
                        config.gcMaxVersions()));
        this.data = data;
        this.admin = admin;
        this.workers = workers;
    }

    /**
     * Connects to the instance (or emulator) of the config.
     *
     * @param storeName {@code gcp}, {@code gcp-columnkey}, {@code bigtable} or {@code
     *     bigtable-hashed}
     * @param metricName full name of the request-duration histogram, e.g. {@code
     *     cortex_bigtable_request_duration_seconds}
     * @throws ConfigException for an unknown store name or an unreadable credentials file
     * @throws StorageException when the clients cannot be created
     */
    public static BigtableBackend open(
            String storeName, BigtableConfig config, MeterRegistry metrics, String metricName) {
        return open(storeName, config, metrics, metricName, BigtableIndexClient.DEFAULT_PAGE_CELLS);
    }

    static BigtableBackend open(
            String storeName,
            BigtableConfig config,
            MeterRegistry metrics,
            String metricName,
            int pageCells) {
        IndexLayout.forStore(storeName);
        if (!config.grpc().ignored().isEmpty()) {
            LOG.warn(
                    "bigtable.grpc_client_config: ignoring {} (no equivalent in the Java Bigtable client, which does"
                            + " its own TLS, retries and back-off)",
                    config.grpc().ignored());
        }
        if (config.usesEmulator() && !config.credentialsFile().isEmpty()) {
            LOG.warn(
                    "bigtable.credentials_file is not used with the emulator at {}",
                    config.emulatorHost());
        }
        RequestMetrics interceptor = new RequestMetrics(metrics, metricName, config.grpc());
        BigtableDataClient data = null;
        try {
            data = BigtableDataClient.create(dataSettings(config, interceptor));
            BigtableTableAdminClient admin =
                    BigtableTableAdminClient.create(adminSettings(config, interceptor));
            return new BigtableBackend(
                    storeName,
                    new Capabilities(CAPABILITIES.features(), maxChunkSize(config.grpc())),
                    config,
                    data,
                    admin,
                    Executors.newCachedThreadPool(DaemonThreads.named("chunkstore-" + storeName)),
                    pageCells);
        } catch (IOException e) {
            if (data != null) {
                data.close();
            }
            throw new StorageException(
                    "cannot create the Bigtable clients for " + where(config) + ": " + e, e);
        }
    }

    private static String where(BigtableConfig c) {
        return "projects/"
                + c.project()
                + "/instances/"
                + c.instance()
                + (c.usesEmulator() ? " on the emulator at " + c.emulatorHost() : "")
                + (c.endpoint().isEmpty() ? "" : " at " + c.endpoint());
    }

    static BigtableDataSettings dataSettings(BigtableConfig c, RequestMetrics interceptor)
            throws IOException {
        BigtableDataSettings.Builder b =
                c.usesEmulator()
                        ? BigtableDataSettings.newBuilderForEmulator(
                                BigtableConfig.host(c.emulatorHost()),
                                BigtableConfig.port(c.emulatorHost()))
                        : BigtableDataSettings.newBuilder();
        b.setProjectId(c.project())
                .setInstanceId(c.instance())
                .setMetricsProvider(NoopMetricsProvider.INSTANCE);
        if (!c.usesEmulator()) {
            if (!c.credentialsFile().isEmpty()) {
                b.setCredentialsProvider(
                        FixedCredentialsProvider.create(credentials(c.credentialsFile())));
            }
            if (!c.endpoint().isEmpty()) {
                b.stubSettings().setEndpoint(c.endpoint());
            }
        }
        b.stubSettings()
                .setTransportChannelProvider(
                        instrument(b.stubSettings().getTransportChannelProvider(), c, interceptor));
        return b.build();
    }

    static BigtableTableAdminSettings adminSettings(BigtableConfig c, RequestMetrics interceptor)
            throws IOException {
        BigtableTableAdminSettings.Builder b =
                c.usesEmulator()
                        ? BigtableTableAdminSettings.newBuilderForEmulator(
                                BigtableConfig.host(c.emulatorHost()),
                                BigtableConfig.port(c.emulatorHost()))
                        : BigtableTableAdminSettings.newBuilder();
        b.setProjectId(c.project()).setInstanceId(c.instance());
        if (!c.usesEmulator()) {
            if (!c.credentialsFile().isEmpty()) {
                b.setCredentialsProvider(
                        FixedCredentialsProvider.create(credentials(c.credentialsFile())));
            }
            if (!c.adminEndpoint().isEmpty()) {
                b.stubSettings().setEndpoint(c.adminEndpoint());
            }
        }
        b.stubSettings()
                .setTransportChannelProvider(
                        instrument(b.stubSettings().getTransportChannelProvider(), c, interceptor));
        return b.build();
    }

    /** Adds the metrics interceptor to the client's own channel provider. */
    private static TransportChannelProvider instrument(
            TransportChannelProvider p, BigtableConfig c, RequestMetrics interceptor) {
        if (!(p instanceof InstantiatingGrpcChannelProvider grpc)) {
            throw new StorageException(
                    "the Bigtable client uses a "
                            + p.getClass().getName()
                            + " channel provider, which chunkstore cannot instrument; this client version is not supported");
        }
        return grpc.toBuilder().setInterceptorProvider(() -> List.of(interceptor)).build();
    }

    static GoogleCredentials credentials(String file) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            GoogleCredentials creds = GoogleCredentials.fromStream(in);
            return creds.createScopedRequired() ? creds.createScoped(SCOPES) : creds;
        } catch (NoSuchFileException e) {
            throw new ConfigException("bigtable.credentials_file " + file + " does not exist", e);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(
                    "bigtable.credentials_file "
                            + file
                            + " is not a readable Google credentials"
                            + " JSON file (a service-account key): "
                            + e.getMessage(),
                    e);
        }
    }

    /** 100 MiB, or less when {@code grpc_client_config} limits messages below that. */
    static long maxChunkSize(BigtableConfig.GrpcOptions grpc) {
        long max = MAX_CELL_BYTES;
        for (int limit : new int[] {grpc.maxRecvMsgSize(), grpc.maxSendMsgSize()}) {
            if (limit > 0) {
                max = Math.min(max, Math.max(1, limit - MESSAGE_OVERHEAD));
            }
        }
        return max;
    }

    /** The raw data client, for tools that inspect rows. */
    public BigtableDataClient dataClient() {
        return data;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            data.close();
        } finally {
            admin.close();
        }
    }
}
