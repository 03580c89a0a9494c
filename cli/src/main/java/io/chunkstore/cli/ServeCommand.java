package io.chunkstore.cli;

import io.chunkstore.cli.common.TenantText;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.read.ReadLimits;
import io.chunkstore.loki.http.LokiApiConfig;
import io.chunkstore.server.ChunkstoreServer;
import io.chunkstore.server.Credentials;
import io.chunkstore.server.EmbeddedStore;
import io.chunkstore.server.HttpMount;
import io.chunkstore.server.LokiApiMount;
import io.chunkstore.server.PromApiMount;
import io.chunkstore.server.QuerierYaml;
import io.chunkstore.server.ServeSecurity;
import io.chunkstore.server.ServeSettings;
import io.chunkstore.server.prom.PromApiConfig;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chunkstore serve}: the grpc_store storage plugin server that unmodified Cortex (up to
 * 1.13) and Loki (2.x, 3.x) queriers and ingesters use as {@code store: grpc-store}, over the
 * stores of a Cortex or Loki config, or over the embedded local store in a data directory when no
 * config is given. Runs until SIGTERM or Ctrl-C, then drains calls in flight and closes the stores.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve a chunk store to Cortex and Loki over the grpc_store plugin protocol.",
            "With --config: the stores the config's schema periods name (cassandra, aws-dynamo, bigtable, gcp, local,"
                    + " ...), configured by its storage block. When periods use different stores, each request goes to"
                    + " the store of the period owning its table (index) or its chunk's time (chunks).",
            "Without --config: the embedded local store under --data, with the schema in DATA/schema.yaml (written"
                    + " on first start; edit it to add periods). Its tables are made on first write.",
            "On start it prints the Cortex and Loki YAML that points a querier at this server.",
            "HTTP (--http-listen): GET /metrics (Prometheus), GET /ready, Loki's read API (/loki/api/v1/query_range,"
                    + " /labels, /series, /tail, ...) over the same stores, for Grafana and logcli, and Prometheus' remote"
                    + " read (POST /api/v1/read) with /api/v1/labels, /api/v1/label/NAME/values and /api/v1/series, for a"
                    + " Prometheus with remote_read pointed here (see docs/prometheus.md)."
        })
public final class ServeCommand implements Callable<Integer> {
    /** Default gRPC port (Cortex's grpc-store examples use 9966). */
    public static final int DEFAULT_GRPC_PORT = 9966;

    /** Default HTTP port for /metrics and /ready. */
    public static final int DEFAULT_HTTP_PORT = 9095;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Cortex config (schema: + storage:) or Loki config (schema_config: + storage_config:)."
                            + " Without it, the embedded local store under --data is served.")
    Path config;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            defaultValue = "./data",
            description =
                    "Data directory of the embedded store (without --config). Default: ${DEFAULT-VALUE}.")
    Path data;

    @Option(
            names = "--listen",
            paramLabel = "HOST:PORT",
            defaultValue = "127.0.0.1:" + DEFAULT_GRPC_PORT,
            converter = HostPort.class,
            description = {
                "gRPC address (grpc_store.server_address of the querier). Default: ${DEFAULT-VALUE}, a",
                "sidecar next to the querier; 0.0.0.0:"
                        + DEFAULT_GRPC_PORT
                        + " to listen on every interface."
            })
    InetSocketAddress listen;

    @Option(
            names = "--http-listen",
            paramLabel = "HOST:PORT",
            defaultValue = "127.0.0.1:" + DEFAULT_HTTP_PORT,
            converter = HostPort.class,
            description = {
                "HTTP address of /metrics, /ready and the Loki API. Default: ${DEFAULT-VALUE};",
                "0.0.0.0:"
                        + DEFAULT_HTTP_PORT
                        + " to listen on every interface (e.g. for a Prometheus scrape)."
            })
    InetSocketAddress httpListen;

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            description = "PEM certificate chain: serve TLS.")
    Path tlsCert;

    @Option(
            names = "--tls-key",
            paramLabel = "FILE",
            description = "PKCS#8 PEM private key of --tls-cert.")
    Path tlsKey;

    @Option(
            names = "--client-ca",
            paramLabel = "FILE",
            description =
                    "PEM CA certificates: require client certificates they signed (mutual TLS).")
    Path clientCa;

    @Option(
            names = "--table-manager",
            negatable = true,
            paramLabel = "",
            description =
                    "Create the schema's tables and keep them (table_manager: block; every poll_interval)."
                            + " Default: off (the embedded store makes its tables on first write instead).")
    Boolean tableManager;

    @Option(
            names = "--shutdown-grace",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "How long shutdown lets calls in flight finish. Default: ${DEFAULT-VALUE}.")
    Duration grace;

    @Option(
            names = "--loki-tenant",
            parameterConsumer = TenantText.class,
            paramLabel = "TENANT",
            description =
                    "Tenant of Loki API requests without an X-Scope-OrgID header (Loki's single-tenant mode"
                            + " uses fake). Default: the header is required.")
    String lokiTenant;

    @Option(
            names = "--prom-tenant",
            parameterConsumer = TenantText.class,
            paramLabel = "TENANT",
            description =
                    "Tenant of Prometheus API requests (remote read, labels, series) without an X-Scope-OrgID"
                            + " header. Default: the header is required (a request without it is a 400).")
    String promTenant;

    @Option(
            names = "--prom-max-series",
            paramLabel = "N",
            defaultValue = "" + ReadLimits.DEFAULT_MAX_SERIES,
            description =
                    "max_series_per_request of a remote read or series request (0: none). Default: ${DEFAULT-VALUE}.")
    long promMaxSeries;

    @Option(
            names = "--prom-max-samples",
            paramLabel = "N",
            defaultValue = "" + ReadLimits.DEFAULT_MAX_SAMPLES,
            description =
                    "max_samples_per_request of a remote read (0: none). Default: ${DEFAULT-VALUE}.")
    long promMaxSamples;

    @Option(
            names = "--prom-max-chunk-bytes",
            paramLabel = "BYTES",
            defaultValue = "512MiB",
            converter = ByteSizeConverter.class,
            description =
                    "max_chunk_bytes_per_request: bytes of chunks one Prometheus API request may fetch (0: none);"
                            + " what bounds serve's memory per request. Default: ${DEFAULT-VALUE}.")
    long promMaxChunkBytes;

    @Option(
            names = "--auth-file",
            paramLabel = "FILE",
            description = {
                "Credentials both ports require (YAML: credentials: [{name, token | username +"
                        + " password, tenants}]); secrets stay in the file, never on the command line."
                        + " HTTP: Authorization: Bearer or Basic, X-Scope-OrgID kept to the credential's"
                        + " tenants; gRPC: metadata authorization: Bearer. Default: none (see"
                        + " docs/operations.md, Security)."
            })
    Path authFile;

    @Option(
            names = "--read-only",
            description =
                    "Refuse every write, delete and table change on the gRPC port (PERMISSION_DENIED).")
    boolean readOnly;

    @Option(
            names = "--allow-table-deletion",
            description =
                    "Accept DeleteTable on the gRPC port (a table manager with retention deletes old"
                            + " tables). Default: refused, as one call empties a table of every tenant.")
    boolean allowTableDeletion;

    @Option(
            names = "--grpc-max-request-size",
            paramLabel = "SIZE",
            defaultValue = "16MiB",
            converter = SizeConverter.class,
            description =
                    "Largest gRPC request (PutChunks, GetChunks, WriteIndex); larger ones are refused"
                            + " (RESOURCE_EXHAUSTED) before they are read. Default: ${DEFAULT-VALUE}.")
    int grpcMaxRequestSize;

    @Option(
            names = "--max-concurrent-queries",
            paramLabel = "N",
            defaultValue = "" + ServeSecurity.DEFAULT_MAX_CONCURRENT_QUERIES,
            description =
                    "HTTP queries running at once; more are answered 429. /ready and /metrics are"
                            + " never held up by queries. Default: ${DEFAULT-VALUE}.")
    int maxConcurrentQueries;

    @Option(
            names = "--max-concurrent-tails",
            paramLabel = "N",
            defaultValue = "" + ServeSecurity.DEFAULT_MAX_CONCURRENT_TAILS,
            description =
                    "Loki tail websockets open at once; more are answered 429. Default: ${DEFAULT-VALUE}.")
    int maxConcurrentTails;

    @Option(
            names = "--query-timeout",
            paramLabel = "DURATION",
            defaultValue = "1m",
            converter = DurationConverter.class,
            description =
                    "An HTTP query still running after this is answered 504. Default: ${DEFAULT-VALUE}.")
    Duration queryTimeout;

    /**
     * The APIs on the HTTP port after /metrics and /ready: Loki's read API and Prometheus' remote
     * read over the served stores. Further HTTP APIs are added to this list.
     */
    List<HttpMount> httpMounts() {
        return List.of(
                new LokiApiMount(LokiApiConfig.DEFAULT.withDefaultTenant(lokiTenant)),
                new PromApiMount(
                        PromApiConfig.DEFAULT
                                .withDefaultTenant(promTenant)
                                .withLimits(
                                        new ReadLimits(
                                                promMaxSeries,
                                                promMaxSamples,
                                                promMaxChunkBytes))));
    }

    @Override
    public Integer call() throws InterruptedException {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--tls-cert and --tls-key go together");
        }
        if (clientCa != null && tlsCert == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--client-ca needs --tls-cert and --tls-key");
        }
        if (readOnly && allowTableDeletion) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--read-only refuses every table change: drop --allow-table-deletion");
        }
        if (readOnly && tableManager != null && tableManager) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--table-manager creates tables: it cannot run with --read-only");
        }
        ServeSecurity security;
        try {
            security =
                    ServeSecurity.DEFAULT
                            .withReadOnly(readOnly)
                            .withAllowTableDeletion(allowTableDeletion)
                            .withMaxGrpcRequestBytes(grpcMaxRequestSize)
                            .withMaxConcurrentQueries(maxConcurrentQueries)
                            .withMaxConcurrentTails(maxConcurrentTails)
                            .withQueryTimeout(queryTimeout);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (authFile != null) {
            security = security.withCredentials(Credentials.load(authFile));
        }
        boolean embedded = config == null;
        ServePreflight.checkFree(listen, "--listen");
        ServePreflight.checkFree(httpListen, "--http-listen");
        boolean madeData = false;
        ChunkstoreServer server;
        try {
            ChunkstoreConfig cfg;
            if (embedded) {
                ServePreflight.checkDataDirectory(data);
                madeData = !java.nio.file.Files.exists(data);
                try {
                    cfg = EmbeddedStore.prepare(data);
                } catch (java.io.UncheckedIOException e) {
                    throw ServePreflight.dataDirectoryError(data, e);
                }
            } else {
                cfg = ChunkstoreConfig.load(config);
            }
            ServeSettings settings =
                    ServeSettings.of(cfg, listen, httpListen)
                            .withTls(tlsCert, tlsKey, clientCa)
                            .withTableManager(tableManager != null && tableManager)
                            .withLazyTables(embedded)
                            .withGrace(grace)
                            .withMounts(httpMounts())
                            .withSecurity(security);
            server = ChunkstoreServer.start(settings);
        } catch (RuntimeException e) {
            if (madeData) {
                // A start that failed leaves no half-made data directory behind.
                ServePreflight.deleteMadeDirectory(data, e);
            }
            throw e;
        }
        Thread hook = new Thread(server::close, "chunkstore-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = spec.commandLine().getOut();
        out.print(
                banner(
                        server,
                        embedded
                                ? "the embedded store in "
                                        + data.toAbsolutePath().normalize()
                                        + " (schema: "
                                        + data.resolve(EmbeddedStore.SCHEMA_FILE)
                                        + ")"
                                : config.toString()));
        out.flush();
        try {
            server.awaitShutdown();
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            server.close();
            return ExitCodes.INTERRUPTED;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting: the hook is what closed the server.
            }
        }
    }

    /** What serve prints on start: where it listens, what it serves, and the querier YAML. */
    static String banner(ChunkstoreServer server, String source) {
        SchemaConfig schema = server.config().schemaConfig();
        String addr = server.clientAddress();
        StringBuilder sb = new StringBuilder();
        sb.append("chunkstore serve: grpc_store on ")
                .append(hostPort(server.grpcAddress()))
                .append(server.tls() ? " (TLS)" : " (plaintext)")
                .append(", HTTP on ")
                .append(server.httpAddress())
                .append(" (/metrics, /ready, /loki/api/v1, /api/v1/read)\n");
        sb.append(accessLine(server.settings().security())).append('\n');
        sb.append("serving ").append(server.served()).append(" from ").append(source).append('\n');
        if (server.tls()) {
            sb.append(
                    "# Note: the Cortex and Loki clients dial plaintext; with TLS put a TLS proxy next to them.\n");
        }
        sb.append('\n');
        if (QuerierYaml.cortexCompatible(schema)) {
            sb.append("# Cortex (<= 1.13): merge into the querier's and ingester's config\n");
            sb.append(QuerierYaml.cortex(schema, addr)).append('\n');
        } else {
            sb.append("# Cortex: not shown, the schema has v12 periods, which only Loki reads\n\n");
        }
        sb.append("# Loki (2.x, 3.x): merge into the querier's and ingester's config\n");
        sb.append(QuerierYaml.loki(schema, addr));
        return sb.toString();
    }

    /** Who may do what, in one line (names the credentials file, never a secret). */
    static String accessLine(ServeSecurity s) {
        StringBuilder sb = new StringBuilder("access: ");
        sb.append(
                s.credentials() == null
                        ? "no authentication (anyone who reaches the ports)"
                        : s.credentials().size()
                                + " credential(s) from "
                                + s.credentials().source());
        sb.append(s.readOnly() ? "; read-only" : "; writes allowed");
        sb.append(
                s.readOnly()
                        ? ""
                        : s.allowTableDeletion()
                                ? "; table deletion allowed"
                                : "; no table deletion");
        return sb.toString();
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** {@code HOST:PORT}, {@code :PORT} (every interface) or {@code [::1]:PORT}. */
    static final class HostPort implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon < 0) {
                throw new CommandLine.TypeConversionException(
                        "'"
                                + value
                                + "' is not HOST:PORT (e.g. 0.0.0.0:9966,"
                                + " :9966, localhost:9966)");
            }
            String host = value.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException(
                        "port of '" + value + "' is not a number");
            }
            if (port < 0 || port > 65535) {
                throw new CommandLine.TypeConversionException(
                        "port of '" + value + "' is not in 0..65535");
            }
            return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        }
    }

    /** A byte size as Cortex and Loki write them ({@code 512MiB}, {@code 1GB}) or bytes. */
    static final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return io.chunkstore.spi.support.ByteSize.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** A message size: a {@link ByteSizeConverter byte size} between 1 KiB and 2 GiB. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long n = new ByteSizeConverter().convert(value);
            if (n < 1024 || n > Integer.MAX_VALUE) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not between 1KiB and 2GiB");
            }
            return (int) n;
        }
    }

    /** A Prometheus duration ({@code 30s}, {@code 1m}) or seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return io.chunkstore.cli.common.CliTime.parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
