package io.chunkstore.grpc;

import io.chunkstore.grpc.proto.grpc_storeGrpc;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.UnavailableException;
import io.chunkstore.spi.support.DaemonThreads;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grpc_store plugin server: serves one chunkstore backend to unmodified Cortex (up to 1.13) and
 * Loki (2.x, 3.x) queriers and ingesters configured with {@code store: grpc-store} and {@code
 * grpc_store: {server_address: ...}}.
 *
 * <p>It honours what the Go client does (Cortex's pkg/chunk/grpc/grpc_client.go): keepalive pings
 * every 20 s also without calls are permitted; every streamed message stays within {@link
 * #GO_MAX_RECEIVE_MESSAGE_BYTES}; empty WriteIndex / DeleteIndex calls never reach the backend;
 * DeleteChunks finds the chunk table through a {@link ChunkTableResolver}. QueryIndex streams with
 * flow control and a cancelled call stops the backend's paging. Alongside: the standard health
 * service ({@code grpc.health.v1}, SERVING for {@code ""} and {@code grpc.grpc_store}), server
 * reflection, optional TLS / mutual TLS, request metrics per RPC ({@code
 * <namespace>_grpc_store_request_duration_seconds{method,status_code}} and {@code
 * <namespace>_grpc_store_stream_message_size_bytes{method}}, see the module README) and graceful
 * shutdown.
 *
 * <pre>{@code
 * GrpcStoreServer server = GrpcStoreServer.builder()
 *         .backend(backend)
 *         .chunkTableResolver(key -> schema.chunkTableFor(key))
 *         .listen(new InetSocketAddress("0.0.0.0", 9966))
 *         .meterRegistry(prometheusRegistry)
 *         .build()
 *         .start();
 * ...
 * server.close(); // drains calls in flight for the grace period, then forces
 * }</pre>
 */
public final class GrpcStoreServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GrpcStoreServer.class);

    /**
     * grpc-go's default receive limit, which the Go client keeps: no streamed message may be
     * larger.
     */
    public static final int GO_MAX_RECEIVE_MESSAGE_BYTES = 4 * 1024 * 1024;

    /**
     * The default largest request, 16 MiB: over the largest chunk this server takes ({@link
     * #GO_MAX_RECEIVE_MESSAGE_BYTES}, as every chunk must fit in one response) with room for what
     * the Go client puts in one message: all chunks of one {@code Put} (an ingester flushing a few
     * full chunks of one stream; Cortex's pkg/chunk/grpc/storage_client.go sends them as one
     * PutChunks) and all keys of one GetChunks (about 140,000 chunk keys). A larger request is
     * refused from its 5-byte gRPC frame header, before its body is buffered.
     */
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 16 << 20;

    /** The fully-qualified service name, also registered with the health service. */
    public static final String SERVICE_NAME = grpc_storeGrpc.SERVICE_NAME;

    private final Builder config;
    private final Server server;
    private final ExecutorService worker;
    private final HealthStatusManager health;
    private volatile boolean started;

    private GrpcStoreServer(Builder b) {
        this.config = b;
        NettyServerBuilder nb = nettyBuilder(b);
        this.health = new HealthStatusManager();
        this.worker = Executors.newCachedThreadPool(DaemonThreads.named("grpc-store-stream"));
        RequestMetrics metrics = new RequestMetrics(b.meterRegistry, b.metricsNamespace);
        GrpcStoreService service =
                new GrpcStoreService(
                        b.storeName,
                        b.index,
                        b.chunks,
                        b.tables,
                        b.resolver,
                        worker,
                        b.maxResponseMessageBytes,
                        b.messageTargetBytes,
                        b.chunkFetchBatchSize,
                        b.startQueriesOnWorker,
                        metrics);
        // Handlers only hand work to the worker pool, so they run on the transport threads (see
        // GrpcStoreService).
        nb.directExecutor()
                .permitKeepAliveTime(b.permitKeepAliveTime.toNanos(), TimeUnit.NANOSECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxInboundMessageSize(b.maxInboundMessageBytes)
                .addService(
                        ServerInterceptors.intercept(
                                service,
                                new ChunkTableHeader(),
                                new CallGuard(b.tokens, b.readOnly, b.allowTableDeletion),
                                metrics))
                .addService(health.getHealthService());
        if (b.reflection) {
            nb.addService(ProtoReflectionServiceV1.newInstance());
            nb.addService(legacyReflection());
        }
        this.server = nb.build();
    }

    /** The Netty builder for the address and credentials; TLS files are read and checked here. */
    private static NettyServerBuilder nettyBuilder(Builder b) {
        if (b.certChain == null) {
            return NettyServerBuilder.forAddress(b.address, InsecureServerCredentials.create());
        }
        try {
            TlsServerCredentials.Builder tls =
                    TlsServerCredentials.newBuilder()
                            .keyManager(b.certChain.toFile(), b.privateKey.toFile());
            if (b.clientCa != null) {
                tls.trustManager(b.clientCa.toFile())
                        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
            }
            return NettyServerBuilder.forAddress(b.address, tls.build());
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(
                    "cannot use the grpc_store server's TLS files (certificate chain "
                            + b.certChain
                            + ", PKCS#8 private key "
                            + b.privateKey
                            + (b.clientCa == null ? "" : ", client CA " + b.clientCa)
                            + "): "
                            + e.getMessage(),
                    e);
        }
    }

    /** grpcurl and older tools still ask the v1alpha reflection service. */
    @SuppressWarnings("deprecation")
    private static io.grpc.BindableService legacyReflection() {
        return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts serving; health turns SERVING.
     *
     * @throws UnavailableException when the address cannot be bound
     */
    public synchronized GrpcStoreServer start() {
        if (started) {
            return this;
        }
        try {
            server.start();
        } catch (IOException e) {
            worker.shutdownNow();
            throw new UnavailableException(
                    "grpc_store server cannot listen on " + config.address + ": " + e.getMessage(),
                    e);
        }
        started = true;
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(SERVICE_NAME, ServingStatus.SERVING);
        log.info(
                "grpc_store server for store '{}' listening on {}:{}{}{}{}; requests up to {} bytes",
                config.storeName,
                address().getAddress().getHostAddress(),
                port(),
                config.certChain == null
                        ? " (plaintext)"
                        : config.clientCa == null ? " (TLS)" : " (mutual TLS)",
                config.tokens == null ? "" : ", bearer tokens required",
                config.readOnly
                        ? ", read-only"
                        : config.allowTableDeletion ? ", table deletion allowed" : "",
                config.maxInboundMessageBytes);
        return this;
    }

    /** The bound address (with the real port when the builder asked for port 0). */
    public InetSocketAddress address() {
        for (var a : server.getListenSockets()) {
            if (a instanceof InetSocketAddress i) {
                return i;
            }
        }
        return config.address;
    }

    public int port() {
        return server.getPort();
    }

    /** Whether clients must speak TLS (and, when a client CA was given, present a certificate). */
    public boolean tls() {
        return config.certChain != null;
    }

    public boolean isTerminated() {
        return server.isTerminated();
    }

    /**
     * Graceful shutdown: health turns NOT_SERVING, the server stops accepting calls, calls in
     * flight get up to {@code grace} to finish, then the rest are cancelled (their backend paging
     * stops).
     *
     * @return true when every call finished within the grace period, false when some had to be
     *     cancelled
     */
    public boolean shutdown(Duration grace) {
        health.enterTerminalState();
        server.shutdown();
        boolean drained;
        try {
            drained = server.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS);
            if (!drained) {
                log.warn(
                        "grpc_store server: calls still running after the {} grace period; cancelling them",
                        grace);
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
            drained = false;
        }
        worker.shutdownNow();
        return drained;
    }

    /** {@link #shutdown} with the builder's grace period. Does not close the backend's clients. */
    @Override
    public void close() {
        shutdown(config.shutdownGracePeriod);
    }

    /**
     * The server's settings. Every setter returns the builder; {@link #build} checks the
     * combination.
     */
    public static final class Builder {
        private String storeName = "";
        private IndexClient index;
        private ChunkClient chunks;
        private TableClient tables;
        private ChunkTableResolver resolver;
        private InetSocketAddress address =
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private Path certChain;
        private Path privateKey;
        private Path clientCa;
        private int maxResponseMessageBytes = GO_MAX_RECEIVE_MESSAGE_BYTES;
        private int messageTargetBytes = 1024 * 1024;
        private int maxInboundMessageBytes = DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
        private int chunkFetchBatchSize = 1000;
        private boolean startQueriesOnWorker;
        private Duration permitKeepAliveTime = Duration.ofSeconds(10);
        private Duration shutdownGracePeriod = Duration.ofSeconds(30);
        private MeterRegistry meterRegistry;
        private String metricsNamespace = "chunkstore";
        private boolean reflection = true;
        private TokenCheck tokens;
        private boolean readOnly;
        private boolean allowTableDeletion;

        private Builder() {}

        /**
         * Serves the clients the backend has (by its capabilities INDEX, CHUNKS, TABLES) under its
         * store name.
         */
        public Builder backend(StorageBackend backend) {
            this.storeName = backend.storeName();
            this.index = backend.capabilities().has(Feature.INDEX) ? backend.indexClient() : null;
            this.chunks = backend.capabilities().has(Feature.CHUNKS) ? backend.chunkClient() : null;
            this.tables = backend.capabilities().has(Feature.TABLES) ? backend.tableClient() : null;
            return this;
        }

        /** The name used in messages and logs ({@code backend} sets it). */
        public Builder storeName(String name) {
            this.storeName = Objects.requireNonNull(name);
            return this;
        }

        /** The index to serve; without one, index RPCs answer UNIMPLEMENTED. */
        public Builder indexClient(IndexClient client) {
            this.index = client;
            return this;
        }

        /** The chunks to serve; without one, chunk RPCs answer UNIMPLEMENTED. */
        public Builder chunkClient(ChunkClient client) {
            this.chunks = client;
            return this;
        }

        /** The tables to serve; without one, table RPCs answer UNIMPLEMENTED. */
        public Builder tableClient(TableClient client) {
            this.tables = client;
            return this;
        }

        /** How DeleteChunks finds a chunk's table from its id; required with a chunk client. */
        public Builder chunkTableResolver(ChunkTableResolver resolver) {
            this.resolver = resolver;
            return this;
        }

        /**
         * Where to listen; default the loopback address on an ephemeral port (see {@link #port()}).
         */
        public Builder listen(InetSocketAddress address) {
            this.address = Objects.requireNonNull(address);
            return this;
        }

        public Builder listen(String host, int port) {
            return listen(new InetSocketAddress(host, port));
        }

        /** Serve TLS with this certificate chain and PKCS#8 private key (PEM files). */
        public Builder tls(Path certChainPem, Path privateKeyPem) {
            this.certChain = Objects.requireNonNull(certChainPem);
            this.privateKey = Objects.requireNonNull(privateKeyPem);
            return this;
        }

        /**
         * Mutual TLS: require client certificates signed by these CA certificates (PEM); needs
         * {@link #tls}.
         */
        public Builder clientCa(Path caCertsPem) {
            this.clientCa = caCertsPem;
            return this;
        }

        /**
         * The largest streamed response message, in bytes; default {@link
         * #GO_MAX_RECEIVE_MESSAGE_BYTES} (what the Go client accepts). Rows and chunks are split
         * across messages to stay within it.
         */
        public Builder maxResponseMessageBytes(int bytes) {
            this.maxResponseMessageBytes = positive(bytes, "maxResponseMessageBytes");
            return this;
        }

        /**
         * A streamed message is sent once this many bytes are buffered at a page boundary of the
         * backend (default 1 MiB): small pages (Cassandra delivers one entry per page) are
         * coalesced, large ones split at the limit.
         */
        public Builder messageTargetBytes(int bytes) {
            this.messageTargetBytes = positive(bytes, "messageTargetBytes");
            return this;
        }

        /**
         * The largest request accepted, in bytes; default {@link
         * #DEFAULT_MAX_INBOUND_MESSAGE_BYTES}. A larger one is refused with RESOURCE_EXHAUSTED as
         * soon as its frame header arrives, so it is never buffered.
         */
        public Builder maxInboundMessageBytes(int bytes) {
            this.maxInboundMessageBytes = positive(bytes, "maxInboundMessageBytes");
            return this;
        }

        /**
         * GetChunks asks the backend for this many keys at a time (default 1000), bounding memory.
         */
        public Builder chunkFetchBatchSize(int keys) {
            this.chunkFetchBatchSize = positive(keys, "chunkFetchBatchSize");
            return this;
        }

        /**
         * Whether QueryIndex starts the backend's asynchronous query on the worker pool instead of
         * the transport thread (default: the transport thread, no hand-off). For a backend that
         * reads inline on the calling thread (the embedded store runs a call's first query there),
         * the transport thread runs the reads of every stream of a connection one after another: a
         * read that waits for the disk holds all of them, and on a loaded machine 10,000 one-row
         * queries through one connection ran at 0.08 of in-process that way against 0.28 on the
         * worker. On the worker, at most {@code max(4, 2 × cores)} threads start queries, each
         * taking up the streams that arrive while it runs, so a burst of streams does not wake a
         * thread each (0.22 against 0.25 on the transport thread on a quiet machine;
         * docs/benchmarks.md, issue 22). A backend with an asynchronous driver (Cassandra,
         * DynamoDB, Bigtable) returns at once and needs no worker.
         */
        public Builder startQueriesOnWorker(boolean onWorker) {
            this.startQueriesOnWorker = onWorker;
            return this;
        }

        /**
         * Clients may ping this often (default 10 s; Go pings every 20 s), also without calls in
         * flight. Longer than 20 s makes the server answer Go's pings with GOAWAY {@code
         * too_many_pings}.
         */
        public Builder permitKeepAliveTime(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("permitKeepAliveTime must not be negative");
            }
            this.permitKeepAliveTime = d;
            return this;
        }

        /**
         * How long {@link #close} lets calls in flight finish before cancelling them (default 30
         * s).
         */
        public Builder shutdownGracePeriod(Duration d) {
            this.shutdownGracePeriod = Objects.requireNonNull(d);
            return this;
        }

        /** Where request metrics go (default a private SimpleMeterRegistry). */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        /**
         * Metric name prefix: {@code chunkstore} (default), {@code cortex}, {@code loki}; "" for
         * none.
         */
        public Builder metricsNamespace(String namespace) {
            this.metricsNamespace = namespace == null ? "" : namespace;
            return this;
        }

        /**
         * Require a bearer token (metadata {@code authorization: Bearer <token>}) on every
         * grpc_store call; null (default) for none. Calls without a known token end with
         * UNAUTHENTICATED. The health and reflection services stay open. Note that the Go
         * grpc_store client of Cortex and Loki sends no token: for it, use mutual TLS ({@link
         * #clientCa}) through a TLS proxy, or a network policy.
         */
        public Builder tokens(TokenCheck check) {
            this.tokens = check;
            return this;
        }

        /**
         * Refuse every write, delete and table change (WriteIndex, DeleteIndex, PutChunks,
         * DeleteChunks, CreateTable, UpdateTable, DeleteTable) with PERMISSION_DENIED; default off.
         */
        public Builder readOnly(boolean on) {
            this.readOnly = on;
            return this;
        }

        /**
         * Accept DeleteTable; default off (refused with PERMISSION_DENIED), since one call empties
         * a table of every tenant. Cortex's table manager deletes tables only with retention on.
         */
        public Builder allowTableDeletion(boolean on) {
            this.allowTableDeletion = on;
            return this;
        }

        /** Server reflection (v1 and v1alpha), on by default. */
        public Builder reflection(boolean on) {
            this.reflection = on;
            return this;
        }

        private static int positive(int v, String name) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be positive, got " + v);
            }
            return v;
        }

        /**
         * @throws ConfigException when nothing is served, a chunk client has no table resolver,
         *     mutual TLS lacks TLS, or a TLS file is missing or unreadable
         */
        public GrpcStoreServer build() {
            if (index == null && chunks == null && tables == null) {
                throw new ConfigException(
                        "grpc_store server: nothing to serve (no index, chunk or table client)");
            }
            if (chunks != null && resolver == null) {
                throw new ConfigException(
                        "grpc_store server: a chunk table resolver is required with a chunk client"
                                + " (DeleteChunks carries only the chunk id); use ChunkTableResolver.NO_TABLES for an"
                                + " object store");
            }
            if (clientCa != null && certChain == null) {
                throw new ConfigException(
                        "grpc_store server: a client CA (mutual TLS) needs a server certificate"
                                + " and key (tls)");
            }
            for (Path p : new Path[] {certChain, privateKey, clientCa}) {
                if (p != null && !Files.isReadable(p)) {
                    throw new ConfigException(
                            "grpc_store server: TLS file "
                                    + p
                                    + " does not exist or is not"
                                    + " readable");
                }
            }
            if (meterRegistry == null) {
                meterRegistry = new SimpleMeterRegistry();
            }
            return new GrpcStoreServer(this);
        }
    }
}
