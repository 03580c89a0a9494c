package io.chunkstore.server;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.PeriodTables;
import io.chunkstore.core.store.PeriodClientResolver;
import io.chunkstore.core.store.PeriodClients;
import io.chunkstore.core.store.StoreBackends;
import io.chunkstore.core.tables.TableManager;
import io.chunkstore.core.tables.TableManagerConfig;
import io.chunkstore.core.tables.TableSyncLoop;
import io.chunkstore.grpc.GrpcStoreServer;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.StorageBackend;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code chunkstore serve} runs: the config's backends (one per store name, opened at start so
 * a wrong address fails at once), the grpc_store server over them (directly when every period uses
 * one store, through a {@link StoreRouter} otherwise), optionally a table manager loop per store
 * with tables, and the HTTP port with {@code /metrics} and {@code /ready}. One {@link
 * PrometheusMeterRegistry} collects the server's request metrics, the backends' metrics, the table
 * managers' and the JVM's.
 *
 * <p>{@link #close()} shuts down in order: readiness drops, the gRPC server drains calls in flight
 * for the grace period (then cancels the rest), the table manager loops stop, the HTTP port closes,
 * the backends close.
 */
public final class ChunkstoreServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkstoreServer.class);

    private final ServeSettings settings;
    private final PrometheusMeterRegistry registry;
    private final ConfigStores opened;
    private final StoreBackends backends;
    private final StoreRouter router;
    private final String served;
    private final GrpcStoreServer grpc;
    private final List<TableSyncLoop> loops = new ArrayList<>();
    private final List<Thread> loopThreads = new ArrayList<>();
    private final HttpEndpoints http;
    private final BackendHealth health;
    private final ServeContext context;
    private PeriodClientResolver servedClients;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean serving;
    private boolean closed;

    private ChunkstoreServer(ServeSettings s) {
        this.settings = s;
        ChunkstoreConfig config = s.config();
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.router = new StoreRouter(config.schemaConfig());
        this.opened = ConfigStores.open(config, registry);
        this.backends = opened.backends();
        GrpcStoreServer g = null;
        BackendHealth hc = null;
        ServeContext ctx = null;
        HttpEndpoints h = null;
        try {
            for (String store : router.stores()) {
                backends.backend(store);
            }
            // Every store answers now, or serve does not start (exit 3 naming it): a closed port
            // fails here instead of hanging the first request in retries.
            hc =
                    BackendHealth.of(
                            backends,
                            config.schemaConfig().periods(),
                            BackendHealth.DEFAULT_TIMEOUT);
            hc.requireAnswering();
            GrpcStoreServer.Builder b =
                    GrpcStoreServer.builder()
                            .listen(s.grpc())
                            .shutdownGracePeriod(s.grace())
                            .meterRegistry(registry)
                            .metricsNamespace(config.metricsNamespace())
                            .readOnly(s.security().readOnly())
                            .allowTableDeletion(s.security().allowTableDeletion())
                            .maxInboundMessageBytes(s.security().maxGrpcRequestBytes())
                            // The embedded store reads synchronously: its queries start on the
                            // worker, or every stream of a connection would queue on one transport
                            // thread (docs/benchmarks.md, issue 22).
                            .startQueriesOnWorker(
                                    config.schemaConfig().periods().stream()
                                            .anyMatch(p -> p.store().equals(EmbeddedStore.STORE)));
            if (s.security().credentials() != null) {
                b.tokens(s.security().credentials().grpcTokens());
            }
            this.served = serve(b);
            ctx =
                    new ServeContext(
                            config, backends, servedClients, registry, s.security().queryTimeout());
            if (s.tlsCert() != null) {
                b.tls(s.tlsCert(), s.tlsKey()).clientCa(s.clientCa());
            }
            g = b.build();
            if (s.tableManager()) {
                startTableManagers(config);
            }
            g.start();
            serving = true;
            BackendHealth checks = hc;
            h =
                    HttpEndpoints.start(
                            s.http(),
                            registry,
                            () -> notReady(checks),
                            s.mounts(),
                            ctx,
                            s.security());
        } catch (RuntimeException e) {
            serving = false;
            stopLoops();
            if (g != null) {
                g.shutdown(java.time.Duration.ZERO);
            }
            if (ctx != null) {
                ctx.close().forEach(e::addSuppressed);
            }
            if (hc != null) {
                hc.close();
            }
            try {
                opened.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        this.grpc = g;
        this.health = hc;
        this.http = h;
        this.context = ctx;
    }

    /**
     * Starts everything.
     *
     * @throws io.chunkstore.spi.ConfigException when the config cannot be served (unknown store, a
     *     store without the needed clients, index tables shared by two stores, TLS files)
     * @throws io.chunkstore.spi.StorageException when a store cannot be reached or a port cannot be
     *     bound
     */
    public static ChunkstoreServer start(ServeSettings settings) {
        return new ChunkstoreServer(settings);
    }

    /**
     * Sets the clients on the builder: one backend's directly, or routing clients over several;
     * says which.
     */
    private String serve(GrpcStoreServer.Builder b) {
        List<String> stores = router.stores();
        servedClients = backends;
        if (stores.size() == 1) {
            StorageBackend backend = backends.backend(stores.get(0));
            b.backend(backend).chunkTableResolver(router::chunkTableFor);
            if (settings.lazyTables()
                    && backend.capabilities().has(Feature.TABLES)
                    && backend.capabilities().has(Feature.INDEX)) {
                LazyTables lazy =
                        new LazyTables(
                                new PeriodTables(config().schemaConfig()),
                                backend.indexClient(),
                                backend.tableClient());
                IndexClient lazyIndex = lazy.indexClient();
                b.indexClient(lazyIndex).tableClient(lazy.tableClient());
                PeriodClients pc = new PeriodClients(lazyIndex, backend.chunkClient());
                servedClients = p -> pc;
                return "store '"
                        + stores.get(0)
                        + "' ("
                        + features(backend)
                        + "; tables made on first write)";
            }
            return "store '" + stores.get(0) + "' (" + features(backend) + ")";
        }
        List<String> tableStores = new ArrayList<>();
        for (String st : stores) {
            if (backends.backend(st).capabilities().has(Feature.TABLES)) {
                tableStores.add(st);
            }
        }
        IndexClient index = new RoutingIndexClient(router, backends::indexClient);
        ChunkClient chunks =
                new RoutingChunkClient(router, st -> backends.backend(st).chunkClient());
        b.storeName(String.join("+", stores))
                .indexClient(index)
                .chunkClient(chunks)
                .chunkTableResolver(RoutingChunkClient.TABLE_FROM_KEY);
        if (!tableStores.isEmpty()) {
            b.tableClient(new RoutingTableClient(router, tableStores, backends::tableClient));
        }
        // Check now that each period's stores have what it needs, rather than on the first request.
        config().schemaConfig().periods().forEach(backends::clientsFor);
        return "stores " + stores + " routed by table name and chunk time";
    }

    private static String features(StorageBackend backend) {
        List<String> f = new ArrayList<>();
        if (backend.capabilities().has(Feature.INDEX)) {
            f.add("index");
        }
        if (backend.capabilities().has(Feature.CHUNKS)) {
            f.add("chunks");
        }
        if (backend.capabilities().has(Feature.TABLES)) {
            f.add("tables");
        }
        return String.join(" + ", f);
    }

    private void startTableManagers(ChunkstoreConfig config) {
        TableManagerConfig tmc = TableManagerConfig.from(config);
        boolean first = true;
        for (String store : router.stores()) {
            if (!backends.backend(store).capabilities().has(Feature.TABLES)) {
                continue;
            }
            // The manager's gauges are registered once per name: the first manager reports on
            // /metrics.
            TableManager tm =
                    TableManager.forStore(tmc, config.schemaConfig(), backends, store)
                            .metrics(
                                    first ? registry : new SimpleMeterRegistry(),
                                    config.metricsNamespace())
                            .build();
            first = false;
            tm.sync();
            LOG.info(
                    "tables of store '{}' are in place; keeping them every {}",
                    store,
                    tmc.pollInterval());
            TableSyncLoop loop = tm.loop();
            Thread t = new Thread(loop, "table-manager-" + store);
            t.setDaemon(true);
            loops.add(loop);
            loopThreads.add(t);
        }
        loopThreads.forEach(Thread::start);
    }

    public ChunkstoreConfig config() {
        return settings.config();
    }

    /** How the server was started. */
    public ServeSettings settings() {
        return settings;
    }

    /** What is served, in words: {@code store 'local' (index + chunks + tables)}. */
    public String served() {
        return served;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public StoreBackends backends() {
        return backends;
    }

    /** The bound gRPC address (the real port when port 0 was asked). */
    public InetSocketAddress grpcAddress() {
        return grpc.address();
    }

    public int grpcPort() {
        return grpc.port();
    }

    public int httpPort() {
        return http.port();
    }

    /** Where the HTTP port is bound: {@code host:port}. */
    public String httpAddress() {
        return http.host() + ":" + http.port();
    }

    public boolean tls() {
        return grpc.tls();
    }

    /**
     * The address a client on this machine dials: the listen host, or {@code localhost} when
     * listening on every interface.
     */
    public String clientAddress() {
        InetAddress a = grpcAddress().getAddress();
        String host =
                a == null || a.isAnyLocalAddress() ? "localhost" : settings.grpc().getHostString();
        return host + ":" + grpcPort();
    }

    /**
     * Why the server is not ready, or null when it is: not serving (starting, shutting down), or a
     * store that does not answer or is full ({@link BackendHealth}).
     */
    private String notReady(BackendHealth checks) {
        if (!serving) {
            return "the gRPC server is not serving";
        }
        List<String> problems = checks.problems();
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    private void stopLoops() {
        loops.forEach(TableSyncLoop::stop);
        loopThreads.forEach(Thread::interrupt);
        for (Thread t : loopThreads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Graceful shutdown (idempotent); see the class comment for the order. Every step runs whatever
     * the one before it did (a step that fails or times out is logged with the step's name), so the
     * backends are always closed, the embedded store flushed and unlocked, and "stopped" logged.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            serving = false;
            LOG.info(
                    "shutting down: draining calls in flight (grace {})",
                    io.chunkstore.core.config.Durations.format(settings.grace()));
            ShutdownSteps steps = new ShutdownSteps(LOG);
            steps.run(
                    "draining the gRPC server",
                    () -> {
                        if (!grpc.shutdown(settings.grace())) {
                            LOG.warn("calls still running after the grace period were cancelled");
                        }
                    });
            steps.run("stopping the table manager loops", this::stopLoops);
            steps.run("stopping the HTTP port", http::close);
            steps.run(
                    "closing the handlers of the HTTP port",
                    () ->
                            context.close()
                                    .forEach(
                                            e ->
                                                    LOG.warn(
                                                            "closing a handler of the HTTP port: {}",
                                                            e.toString())));
            steps.run("stopping the store checks", health::close);
            steps.run("closing the backends", opened::close);
            LOG.info(
                    steps.failures() == 0
                            ? "stopped"
                            : "stopped ({} shutdown steps failed, see above)",
                    steps.failures());
        } finally {
            stopped.countDown();
        }
    }
}
