package io.chunkstore.bigtable;

import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.ConfigBinder;
import io.chunkstore.spi.support.ConfigKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The {@code bigtable:} block of a Cortex or Loki storage config, bound and checked by {@link
 * #bind}. Cortex's keys keep their names and defaults; the rest are chunkstore's.
 *
 * <p>Its keys are {@link Block}'s (listed with their defaults in docs/configuration.md).
 *
 * @param project {@code project}
 * @param instance {@code instance}
 * @param emulatorHost {@code emulator_host}, or "" for a real instance
 * @param endpoint {@code endpoint}, or "" for Google's
 * @param adminEndpoint {@code admin_endpoint}, or "" for Google's
 * @param credentialsFile {@code credentials_file}, or "" for application default credentials
 * @param tableCacheEnabled {@code table_cache_enabled}
 * @param tableCacheExpiration {@code table_cache_expiration}
 * @param queryConcurrency {@code query_concurrency}
 * @param chunkGetConcurrency {@code chunk_get_concurrency}
 * @param gcMaxVersions {@code gc_max_versions}
 * @param grpc what is honoured of {@code grpc_client_config}
 */
public record BigtableConfig(
        String project,
        String instance,
        String emulatorHost,
        String endpoint,
        String adminEndpoint,
        String credentialsFile,
        boolean tableCacheEnabled,
        Duration tableCacheExpiration,
        int queryConcurrency,
        int chunkGetConcurrency,
        int gcMaxVersions,
        GrpcOptions grpc) {

    /** The environment variable the Google clients read for the emulator address. */
    public static final String EMULATOR_ENV = "BIGTABLE_EMULATOR_HOST";

    static final int DEFAULT_QUERY_CONCURRENCY = 100;
    static final int DEFAULT_CHUNK_GET_CONCURRENCY = 16;

    /**
     * What maps cleanly from Cortex's {@code grpc_client_config}.
     *
     * @param maxRecvMsgSize largest message received, bytes (0: the Java client's default, 256 MiB)
     * @param maxSendMsgSize largest message sent, bytes (0: unlimited)
     * @param compression {@code gzip}, or "" for none
     * @param ignored the keys given that are accepted but have no effect (warned about when
     *     opening)
     */
    public record GrpcOptions(
            int maxRecvMsgSize, int maxSendMsgSize, String compression, List<String> ignored) {
        public static final GrpcOptions DEFAULT = new GrpcOptions(0, 0, "", List.of());

        public GrpcOptions {
            ignored = List.copyOf(ignored);
        }
    }

    public BigtableConfig {
        grpc = grpc == null ? GrpcOptions.DEFAULT : grpc;
    }

    /** Whether the store is an emulator. */
    public boolean usesEmulator() {
        return !emulatorHost.isEmpty();
    }

    /** Every key the block accepts, sorted. */
    public static Set<String> keys() {
        return new TreeSet<>(ConfigBinder.keys(Block.class));
    }

    /**
     * The {@code bigtable:} block as written in YAML.
     *
     * @param project {@code project}
     * @param instance {@code instance}
     * @param grpcClientConfig {@code grpc_client_config}
     * @param tableCacheEnabled {@code table_cache_enabled}
     * @param tableCacheExpiration {@code table_cache_expiration}
     * @param emulatorHost {@code emulator_host}
     * @param endpoint {@code endpoint}
     * @param adminEndpoint {@code admin_endpoint}
     * @param credentialsFile {@code credentials_file}
     * @param queryConcurrency {@code query_concurrency}
     * @param chunkGetConcurrency {@code chunk_get_concurrency}
     * @param gcMaxVersions {@code gc_max_versions}
     */
    public record Block(
            @ConfigKey(
                            value = "project",
                            doc = "GCP project id of the Bigtable instance. Required.")
                    String project,
            @ConfigKey(value = "instance", doc = "Bigtable instance id. Required.") String instance,
            @ConfigKey(
                            value = "grpc_client_config",
                            doc =
                                    "Cortex's gRPC client block; the keys marked ignored are"
                                            + " accepted and warned about when opening (the Java client does its own TLS, retries and"
                                            + " back-off).")
                    GrpcClientConfig grpcClientConfig,
            @ConfigKey(
                            value = "table_cache_enabled",
                            dflt = "true",
                            doc = "Cache which tables have column family" + " f.")
                    boolean tableCacheEnabled,
            @ConfigKey(
                            value = "table_cache_expiration",
                            dflt = "30m",
                            doc = "How long an entry of that cache" + " lives.")
                    Duration tableCacheExpiration,
            @ConfigKey(
                            value = "emulator_host",
                            doc =
                                    "host:port of a Bigtable emulator (plain text, no"
                                            + " credentials); empty reads the environment variable "
                                            + EMULATOR_ENV
                                            + ".")
                    String emulatorHost,
            @ConfigKey(value = "endpoint", doc = "host:port of the data API; empty for Google's.")
                    String endpoint,
            @ConfigKey(
                            value = "admin_endpoint",
                            doc = "host:port of the table admin API; empty for Google's.")
                    String adminEndpoint,
            @ConfigKey(
                            value = "credentials_file",
                            doc =
                                    "A service-account JSON key; empty for application default"
                                            + " credentials.")
                    String credentialsFile,
            @ConfigKey(
                            value = "query_concurrency",
                            dflt = "" + DEFAULT_QUERY_CONCURRENCY,
                            min = 1,
                            doc = "ReadRows requests in flight per index call.")
                    int queryConcurrency,
            @ConfigKey(
                            value = "chunk_get_concurrency",
                            dflt = "" + DEFAULT_CHUNK_GET_CONCURRENCY,
                            min = 1,
                            doc =
                                    "ReadRows requests (of up to 100 chunks) in flight per chunk fetch.")
                    int chunkGetConcurrency,
            @ConfigKey(
                            value = "gc_max_versions",
                            min = 0,
                            doc =
                                    "Garbage-collection rule of family f on tables"
                                            + " chunkstore creates: keep at most this many versions of a cell (0: no rule, as Cortex).")
                    int gcMaxVersions) {}

    /**
     * Cortex's and Loki's {@code grpcclient.Config}; what has no clean equivalent in the Java
     * client is ignored.
     */
    public record GrpcClientConfig(
            @ConfigKey(
                            value = "max_recv_msg_size",
                            min = 0,
                            bytes = true,
                            doc =
                                    "Largest message received (0: the"
                                            + " Java client's default, 256 MiB).")
                    int maxRecvMsgSize,
            @ConfigKey(
                            value = "max_send_msg_size",
                            min = 0,
                            bytes = true,
                            doc = "Largest message sent (0:" + " unlimited).")
                    int maxSendMsgSize,
            @ConfigKey(
                            value = "grpc_compression",
                            oneOf = {"", "gzip", "snappy", "snappy-block", "zstd"},
                            doc =
                                    "gzip compresses requests; snappy, snappy-block and zstd are ignored.")
                    String grpcCompression,
            @ConfigKey(value = "rate_limit", doc = IGNORED) Object rateLimit,
            @ConfigKey(value = "rate_limit_burst", doc = IGNORED) Object rateLimitBurst,
            @ConfigKey(value = "backoff_on_ratelimits", doc = IGNORED) Object backoffOnRatelimits,
            @ConfigKey(value = "backoff_config", doc = IGNORED) Object backoffConfig,
            @ConfigKey(value = "tls_enabled", doc = IGNORED) Object tlsEnabled,
            @ConfigKey(value = "tls_cert_path", doc = IGNORED) Object tlsCertPath,
            @ConfigKey(value = "tls_key_path", doc = IGNORED) Object tlsKeyPath,
            @ConfigKey(value = "tls_ca_path", doc = IGNORED) Object tlsCaPath,
            @ConfigKey(value = "tls_server_name", doc = IGNORED) Object tlsServerName,
            @ConfigKey(value = "tls_insecure_skip_verify", doc = IGNORED)
                    Object tlsInsecureSkipVerify,
            @ConfigKey(value = "tls_cipher_suites", doc = IGNORED) Object tlsCipherSuites,
            @ConfigKey(value = "tls_min_version", doc = IGNORED) Object tlsMinVersion,
            @ConfigKey(value = "connect_timeout", doc = IGNORED) Object connectTimeout,
            @ConfigKey(value = "connect_backoff_base_delay", doc = IGNORED)
                    Object connectBackoffBaseDelay,
            @ConfigKey(value = "connect_backoff_max_delay", doc = IGNORED)
                    Object connectBackoffMaxDelay,
            @ConfigKey(value = "initial_stream_window_size", doc = IGNORED)
                    Object initialStreamWindowSize,
            @ConfigKey(value = "initial_connection_window_size", doc = IGNORED)
                    Object initialConnectionWindowSize) {}

    private static final String IGNORED = "Accepted for compatibility and ignored (warned about).";

    /** Binds a block with the process environment (for {@code BIGTABLE_EMULATOR_HOST}). */
    public static BigtableConfig bind(Map<String, ?> block) {
        return bind(block, System::getenv);
    }

    /**
     * Binds and checks a {@code bigtable:} block as parsed from YAML (keys without a value take
     * their default).
     *
     * @param env looks up environment variables
     * @throws ConfigException naming the key, for an unknown key, a value of the wrong type, or a
     *     missing project or instance
     */
    public static BigtableConfig bind(Map<String, ?> block, Function<String, String> env) {
        Block b = ConfigBinder.bind(Block.class, block, "bigtable");
        String project = b.project().strip();
        String instance = b.instance().strip();
        if (project.isEmpty()) {
            throw new ConfigException(
                    "bigtable.project is required: the GCP project id of the Bigtable instance");
        }
        if (instance.isEmpty()) {
            throw new ConfigException("bigtable.instance is required: the Bigtable instance id");
        }
        String emulator = b.emulatorHost().strip();
        if (emulator.isEmpty()) {
            String fromEnv = env.apply(EMULATOR_ENV);
            emulator = fromEnv == null ? "" : fromEnv.strip();
        }
        String endpoint = b.endpoint().strip();
        String adminEndpoint = b.adminEndpoint().strip();
        if (!emulator.isEmpty()) {
            hostPort("emulator_host", emulator);
            for (String[] kv :
                    new String[][] {{"endpoint", endpoint}, {"admin_endpoint", adminEndpoint}}) {
                if (!kv[1].isEmpty()) {
                    throw new ConfigException(
                            "bigtable."
                                    + kv[0]
                                    + " ("
                                    + kv[1]
                                    + ") and bigtable.emulator_host ("
                                    + emulator
                                    + ") exclude each other; set only one (emulator_host may come from "
                                    + EMULATOR_ENV
                                    + ")");
                }
            }
        }
        if (!endpoint.isEmpty()) {
            hostPort("endpoint", endpoint);
        }
        if (!adminEndpoint.isEmpty()) {
            hostPort("admin_endpoint", adminEndpoint);
        }
        return new BigtableConfig(
                project,
                instance,
                emulator,
                endpoint,
                adminEndpoint,
                b.credentialsFile().strip(),
                b.tableCacheEnabled(),
                b.tableCacheExpiration(),
                b.queryConcurrency(),
                b.chunkGetConcurrency(),
                b.gcMaxVersions(),
                grpc(b.grpcClientConfig(), block == null ? null : block.get("grpc_client_config")));
    }

    /**
     * What is honoured of the gRPC block, and the keys given that are not ({@code given}: the block
     * as written).
     */
    private static GrpcOptions grpc(GrpcClientConfig g, Object given) {
        List<String> ignored = new ArrayList<>();
        if (given instanceof Map<?, ?> m) {
            for (ConfigBinder.KeyDoc k : ConfigBinder.describe(GrpcClientConfig.class)) {
                if (k.kind().equals("any") && m.get(k.key()) != null) {
                    ignored.add(k.key());
                }
            }
        }
        ignored.sort(null);
        String compression = g.grpcCompression();
        if (!compression.isEmpty() && !compression.equals("gzip")) {
            ignored.add("grpc_compression=" + compression);
            compression = "";
        }
        return new GrpcOptions(g.maxRecvMsgSize(), g.maxSendMsgSize(), compression, ignored);
    }

    private static void hostPort(String key, String value) {
        int colon = value.lastIndexOf(':');
        boolean ok = colon > 0 && colon < value.length() - 1;
        if (ok) {
            try {
                int port = Integer.parseInt(value.substring(colon + 1));
                ok = port > 0 && port < 65536;
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw new ConfigException(
                    "bigtable." + key + " must be host:port, not '" + value + "'");
        }
    }

    /** host of a {@code host:port} setting. */
    static String host(String hostPort) {
        String h = hostPort.substring(0, hostPort.lastIndexOf(':'));
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** port of a {@code host:port} setting. */
    static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }
}
