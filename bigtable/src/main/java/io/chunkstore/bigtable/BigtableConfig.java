package io.chunkstore.bigtable;

import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The {@code bigtable:} block of a Cortex or Loki storage config, bound and checked by {@link #bind}. Cortex's keys
 * keep their names and defaults; the rest are chunkstore's.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code project}</td><td>(required)</td><td>GCP project id</td></tr>
 *   <tr><td>{@code instance}</td><td>(required)</td><td>Bigtable instance id</td></tr>
 *   <tr><td>{@code grpc_client_config}</td><td></td><td>Cortex's gRPC client block: {@code max_recv_msg_size},
 *       {@code max_send_msg_size} and {@code grpc_compression} ({@code gzip}) are honoured; the other Cortex keys
 *       are accepted and ignored with a warning (the Java client does its own TLS, retries and back-off)</td></tr>
 *   <tr><td>{@code table_cache_enabled}</td><td>true</td><td>cache which tables have family {@code f}</td></tr>
 *   <tr><td>{@code table_cache_expiration}</td><td>30m</td><td>how long an entry of that cache lives</td></tr>
 *   <tr><td>{@code emulator_host}</td><td>env {@code BIGTABLE_EMULATOR_HOST}</td><td>{@code host:port} of an
 *       emulator (plain text, no credentials)</td></tr>
 *   <tr><td>{@code endpoint}</td><td>Google's</td><td>{@code host:port} of the data API</td></tr>
 *   <tr><td>{@code admin_endpoint}</td><td>Google's</td><td>{@code host:port} of the table admin API</td></tr>
 *   <tr><td>{@code credentials_file}</td><td>application default</td><td>a service-account JSON key</td></tr>
 *   <tr><td>{@code query_concurrency}</td><td>100</td><td>ReadRows requests in flight per index call</td></tr>
 *   <tr><td>{@code chunk_get_concurrency}</td><td>16</td><td>ReadRows requests (of up to 100 chunks) in flight
 *       per chunk fetch</td></tr>
 *   <tr><td>{@code gc_max_versions}</td><td>0</td><td>garbage-collection rule of family {@code f} on tables we
 *       create: keep at most this many versions of a cell (0: no rule, as Cortex)</td></tr>
 * </table>
 *
 * @param project               {@code project}
 * @param instance              {@code instance}
 * @param emulatorHost          {@code emulator_host}, or "" for a real instance
 * @param endpoint              {@code endpoint}, or "" for Google's
 * @param adminEndpoint         {@code admin_endpoint}, or "" for Google's
 * @param credentialsFile       {@code credentials_file}, or "" for application default credentials
 * @param tableCacheEnabled     {@code table_cache_enabled}
 * @param tableCacheExpiration  {@code table_cache_expiration}
 * @param queryConcurrency      {@code query_concurrency}
 * @param chunkGetConcurrency   {@code chunk_get_concurrency}
 * @param gcMaxVersions         {@code gc_max_versions}
 * @param grpc                  what is honoured of {@code grpc_client_config}
 */
public record BigtableConfig(String project, String instance, String emulatorHost, String endpoint,
        String adminEndpoint, String credentialsFile, boolean tableCacheEnabled, Duration tableCacheExpiration, int queryConcurrency,
        int chunkGetConcurrency, int gcMaxVersions, GrpcOptions grpc) {

    /** The environment variable the Google clients read for the emulator address. */
    public static final String EMULATOR_ENV = "BIGTABLE_EMULATOR_HOST";
    static final int DEFAULT_QUERY_CONCURRENCY = 100;
    static final int DEFAULT_CHUNK_GET_CONCURRENCY = 16;
    static final Duration DEFAULT_TABLE_CACHE_EXPIRATION = Duration.ofMinutes(30);

    private static final Set<String> KEYS = Set.of("project", "instance", "grpc_client_config",
            "table_cache_enabled", "table_cache_expiration", "emulator_host", "endpoint", "admin_endpoint",
            "credentials_file",
            "query_concurrency", "chunk_get_concurrency", "gc_max_versions");
    private static final Set<String> GRPC_HONOURED = Set.of("max_recv_msg_size", "max_send_msg_size",
            "grpc_compression");
    /** Keys of Cortex's and Loki's {@code grpcclient.Config} that have no clean equivalent in the Java client. */
    private static final Set<String> GRPC_IGNORED = Set.of("rate_limit", "rate_limit_burst", "backoff_on_ratelimits",
            "backoff_config", "tls_enabled", "tls_cert_path", "tls_key_path", "tls_ca_path", "tls_server_name",
            "tls_insecure_skip_verify", "tls_cipher_suites", "tls_min_version", "connect_timeout",
            "connect_backoff_base_delay", "connect_backoff_max_delay", "initial_stream_window_size",
            "initial_connection_window_size");
    private static final Set<String> COMPRESSIONS_IGNORED = Set.of("snappy", "snappy-block", "zstd");

    /**
     * What maps cleanly from Cortex's {@code grpc_client_config}.
     *
     * @param maxRecvMsgSize largest message received, bytes (0: the Java client's default, 256 MiB)
     * @param maxSendMsgSize largest message sent, bytes (0: unlimited)
     * @param compression    {@code gzip}, or "" for none
     * @param ignored        the keys given that are accepted but have no effect (warned about when opening)
     */
    public record GrpcOptions(int maxRecvMsgSize, int maxSendMsgSize, String compression, List<String> ignored) {
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
        return new TreeSet<>(KEYS);
    }

    /** Binds a block with the process environment (for {@code BIGTABLE_EMULATOR_HOST}). */
    public static BigtableConfig bind(Map<String, ?> block) {
        return bind(block, System::getenv);
    }

    /**
     * Binds and checks a {@code bigtable:} block as parsed from YAML (keys without a value take their default).
     *
     * @param env looks up environment variables
     * @throws ConfigException naming the key, for an unknown key, a value of the wrong type, or a missing project or
     *                         instance
     */
    public static BigtableConfig bind(Map<String, ?> block, Function<String, String> env) {
        Block b = new Block("bigtable", block == null ? Map.of() : block, KEYS);
        String project = b.string("project", "");
        String instance = b.string("instance", "");
        if (project.isEmpty()) {
            throw new ConfigException("bigtable.project is required: the GCP project id of the Bigtable instance");
        }
        if (instance.isEmpty()) {
            throw new ConfigException("bigtable.instance is required: the Bigtable instance id");
        }
        String emulator = b.string("emulator_host", "");
        if (emulator.isEmpty()) {
            String fromEnv = env.apply(EMULATOR_ENV);
            emulator = fromEnv == null ? "" : fromEnv.strip();
        }
        String endpoint = b.string("endpoint", "");
        String adminEndpoint = b.string("admin_endpoint", "");
        if (!emulator.isEmpty()) {
            hostPort("emulator_host", emulator);
            for (String[] kv : new String[][] {{"endpoint", endpoint}, {"admin_endpoint", adminEndpoint}}) {
                if (!kv[1].isEmpty()) {
                    throw new ConfigException("bigtable." + kv[0] + " (" + kv[1] + ") and bigtable.emulator_host ("
                            + emulator + ") exclude each other; set only one (emulator_host may come from "
                            + EMULATOR_ENV + ")");
                }
            }
        }
        if (!endpoint.isEmpty()) {
            hostPort("endpoint", endpoint);
        }
        if (!adminEndpoint.isEmpty()) {
            hostPort("admin_endpoint", adminEndpoint);
        }
        Duration expiration = b.duration("table_cache_expiration", DEFAULT_TABLE_CACHE_EXPIRATION);
        if (expiration.isNegative()) {
            throw new ConfigException("bigtable.table_cache_expiration must not be negative, got " + expiration);
        }
        return new BigtableConfig(project, instance, emulator, endpoint, adminEndpoint, b.string("credentials_file", ""),
                b.bool("table_cache_enabled", true), expiration,
                b.positiveInt("query_concurrency", DEFAULT_QUERY_CONCURRENCY),
                b.positiveInt("chunk_get_concurrency", DEFAULT_CHUNK_GET_CONCURRENCY),
                b.nonNegativeInt("gc_max_versions", 0), grpc(b.block("grpc_client_config")));
    }

    private static GrpcOptions grpc(Map<String, ?> block) {
        Set<String> allowed = new TreeSet<>(GRPC_HONOURED);
        allowed.addAll(GRPC_IGNORED);
        Block b = new Block("bigtable.grpc_client_config", block, allowed);
        List<String> ignored = new ArrayList<>(new TreeSet<>(block.keySet()).stream()
                .filter(GRPC_IGNORED::contains).toList());
        String compression = b.string("grpc_compression", "");
        if (COMPRESSIONS_IGNORED.contains(compression)) {
            ignored.add("grpc_compression=" + compression);
            compression = "";
        } else if (!compression.isEmpty() && !compression.equals("gzip")) {
            throw new ConfigException("bigtable.grpc_client_config.grpc_compression must be '', 'gzip' or 'snappy',"
                    + " not '" + compression + "'");
        }
        return new GrpcOptions(b.nonNegativeInt("max_recv_msg_size", 0), b.nonNegativeInt("max_send_msg_size", 0),
                compression, ignored);
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
            throw new ConfigException("bigtable." + key + " must be host:port, not '" + value + "'");
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

    /** Typed reads of one YAML mapping, with messages naming the full key. */
    private record Block(String name, Map<String, ?> map, Set<String> allowed) {
        Block {
            for (String k : new TreeSet<>(map.keySet())) {
                if (!allowed.contains(k)) {
                    throw new ConfigException("unknown key '" + name + "." + k + "'; known keys: "
                            + String.join(", ", new TreeSet<>(allowed)));
                }
            }
        }

        private ConfigException wrong(String key, Object v, String want) {
            return new ConfigException(name + "." + key + " must be " + want + ", not '" + v + "'");
        }

        String string(String key, String dflt) {
            Object v = map.get(key);
            if (v == null) {
                return dflt;
            }
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                return v.toString().strip();
            }
            throw wrong(key, v, "a string");
        }

        boolean bool(String key, boolean dflt) {
            Object v = map.get(key);
            if (v == null) {
                return dflt;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                return Boolean.parseBoolean(s);
            }
            throw wrong(key, v, "true or false");
        }

        int nonNegativeInt(String key, int dflt) {
            Object v = map.get(key);
            if (v == null) {
                return dflt;
            }
            long n;
            if (v instanceof Integer || v instanceof Long || v instanceof Short) {
                n = ((Number) v).longValue();
            } else if (v instanceof String s && s.strip().matches("-?\\d+")) {
                n = Long.parseLong(s.strip());
            } else {
                throw wrong(key, v, "a whole number");
            }
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw wrong(key, v, "a whole number from 0 to " + Integer.MAX_VALUE);
            }
            return (int) n;
        }

        int positiveInt(String key, int dflt) {
            int n = nonNegativeInt(key, dflt);
            if (n == 0) {
                throw wrong(key, map.get(key), "at least 1");
            }
            return n;
        }

        Duration duration(String key, Duration dflt) {
            Object v = map.get(key);
            if (v == null) {
                return dflt;
            }
            if (v instanceof Integer || v instanceof Long) {
                return Duration.ofNanos(((Number) v).longValue()); // Go reads a bare number as nanoseconds
            }
            if (v instanceof String s) {
                try {
                    return GoDuration.parse(s);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name + "." + key + ": " + e.getMessage(), e);
                }
            }
            throw wrong(key, v, "a duration such as 30m");
        }

        @SuppressWarnings("unchecked")
        Map<String, ?> block(String key) {
            Object v = map.get(key);
            if (v == null) {
                return Map.of();
            }
            if (v instanceof Map<?, ?> m) {
                return (Map<String, ?>) m;
            }
            throw wrong(key, v, "a mapping");
        }
    }
}
