package io.chunkstore.cli;

import io.chunkstore.cli.common.TenantText;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.loki.http.LokiApiConfig;
import io.chunkstore.server.ChunkstoreServer;
import io.chunkstore.server.EmbeddedStore;
import io.chunkstore.server.HttpMount;
import io.chunkstore.server.LokiApiMount;
import io.chunkstore.server.QuerierYaml;
import io.chunkstore.server.ServeSettings;
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
            "HTTP (--http-listen): GET /metrics (Prometheus), GET /ready, and Loki's read API (/loki/api/v1/query_range,"
                    + " /labels, /series, /tail, ...) over the same stores, for Grafana and logcli."
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

    /**
     * The APIs on the HTTP port after /metrics and /ready: Loki's read API over the served stores.
     * Further HTTP APIs are added to this list.
     */
    List<HttpMount> httpMounts() {
        return List.of(new LokiApiMount(LokiApiConfig.DEFAULT.withDefaultTenant(lokiTenant)));
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
                            .withMounts(httpMounts());
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
                .append(" (/metrics, /ready, /loki/api/v1)\n");
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
