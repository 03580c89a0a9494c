package io.chunkstore.cassandra;

import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.ConfigBinder;
import io.chunkstore.spi.support.ConfigKey;
import io.chunkstore.spi.support.GoDuration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code cassandra:} block of a Cortex or Loki storage config, with every key Cortex and Loki
 * accept (same names, same defaults; Cortex's pkg/chunk/cassandra/storage_client.go) and a few of
 * our own (their descriptions say "chunkstore"). Bind it with {@link #bind(Map)}, which refuses
 * unknown keys and inconsistent settings with a {@link ConfigException} naming the key. Every
 * component is a key (its {@link ConfigKey} says which); the constructor checks the values, folds
 * consistency levels and the protocol version to upper case, and resolves {@code password} from
 * {@code password_file}.
 */
public record CassandraConfig(
        // ---- connection
        @ConfigKey(
                        value = "addresses",
                        doc =
                                "Comma-separated Cassandra hosts, each host or host:port (IPv6 in"
                                        + " brackets). Required.")
                List<String> addresses,
        @ConfigKey(value = "port", dflt = "9042", doc = "Port of the addresses that give none.")
                int port,
        @ConfigKey(value = "keyspace", doc = "The keyspace (created when missing). Required.")
                String keyspace,
        @ConfigKey(
                        value = "local_datacenter",
                        doc =
                                "chunkstore: the driver's local datacenter; empty infers it"
                                        + " from the contact points.")
                String localDatacenter,
        @ConfigKey(
                        value = "protocol_version",
                        doc =
                                "chunkstore: native protocol version V3, V4, V5 or V6; empty"
                                        + " negotiates.")
                String protocolVersion,
        // ---- consistency and keyspace
        @ConfigKey(
                        value = "consistency",
                        dflt = "QUORUM",
                        doc = "Consistency level of reads and writes.")
                String consistency,
        @ConfigKey(
                        value = "read_consistency",
                        doc = "chunkstore: consistency of reads; empty for consistency.")
                String readConsistency,
        @ConfigKey(
                        value = "write_consistency",
                        doc =
                                "chunkstore: consistency of writes (and DDL); empty for"
                                        + " consistency.")
                String writeConsistency,
        @ConfigKey(
                        value = "replication_factor",
                        dflt = "3",
                        doc = "Replication factor of a keyspace chunkstore" + " creates.")
                int replicationFactor,
        @ConfigKey(
                        value = "replication_strategy",
                        dflt = "SimpleStrategy",
                        oneOf = {"SimpleStrategy", "NetworkTopologyStrategy"},
                        doc = "chunkstore: replication class of a keyspace chunkstore creates.")
                String replicationStrategy,
        @ConfigKey(
                        value = "datacenter_replication_factors",
                        doc =
                                "chunkstore: replication factor per datacenter,"
                                        + " for NetworkTopologyStrategy.")
                Map<String, Integer> datacenterReplicationFactors,
        @ConfigKey(
                        value = "disable_initial_host_lookup",
                        doc =
                                "Connect to the addresses only, without asking"
                                        + " them for the ring.")
                boolean disableInitialHostLookup,
        // ---- TLS and auth
        @ConfigKey(value = "SSL", doc = "TLS to Cassandra.") boolean ssl,
        @ConfigKey(
                        value = "host_verification",
                        dflt = "true",
                        doc =
                                "Check the server's certificate names its"
                                        + " host (one address only).")
                boolean hostVerification,
        @ConfigKey(
                        value = "host_selection_policy",
                        dflt = "round-robin",
                        oneOf = {"round-robin", "token-aware"},
                        doc =
                                "How the driver picks a coordinator: round-robin runs without"
                                        + " schema metadata (DDL takes milliseconds); token-aware reads the token map and our keyspace's"
                                        + " schema.")
                String hostSelectionPolicy,
        @ConfigKey(
                        value = "CA_path",
                        doc =
                                "PEM CA bundle (the JVM trust store when empty; with"
                                        + " host_verification: false and no CA any certificate is accepted, as Cortex).")
                String caPath,
        @ConfigKey(value = "tls_cert_path", doc = "Client certificate, PEM (with tls_key_path).")
                String tlsCertPath,
        @ConfigKey(value = "tls_key_path", doc = "Client key, PEM as PKCS#8 (with tls_cert_path).")
                String tlsKeyPath,
        @ConfigKey(value = "auth", doc = "Password authentication.") boolean auth,
        @ConfigKey(value = "username", doc = "User of password authentication.") String username,
        @ConfigKey(
                        value = "password",
                        doc =
                                "Password of password authentication (once bound, also the one read"
                                        + " from password_file).")
                String password,
        @ConfigKey(
                        value = "password_file",
                        doc =
                                "File holding the password (its trailing newline dropped);"
                                        + " excludes password.")
                String passwordFile,
        @ConfigKey(
                        value = "custom_authenticators",
                        doc =
                                "Accepted; the Java driver's plain-text auth works"
                                        + " with any authenticator.")
                List<String> customAuthenticators,
        // ---- timeouts and retries
        @ConfigKey(value = "timeout", dflt = "2s", doc = "Request timeout.") Duration timeout,
        @ConfigKey(value = "connect_timeout", dflt = "5s", doc = "Connection timeout.")
                Duration connectTimeout,
        @ConfigKey(
                        value = "reconnect_interval",
                        dflt = "1s",
                        doc = "Constant delay between reconnection attempts to" + " a down node.")
                Duration reconnectInterval,
        @ConfigKey(value = "max_retries", min = 0, doc = "Retries of a failed query; 0 for none.")
                int maxRetries,
        @ConfigKey(value = "retry_min_backoff", dflt = "100ms", doc = "First wait between retries.")
                Duration retryMinBackoff,
        @ConfigKey(value = "retry_max_backoff", dflt = "10s", doc = "Longest wait between retries.")
                Duration retryMaxBackoff,
        // ---- tuning and DDL
        @ConfigKey(
                        value = "query_concurrency",
                        min = 0,
                        doc =
                                "Index queries of one call in flight; 0 for "
                                        + DEFAULT_QUERY_CONCURRENCY
                                        + " (Cortex's QueryParallelism).")
                int queryConcurrency,
        @ConfigKey(
                        value = "write_concurrency",
                        min = 0,
                        doc =
                                "chunkstore: statements in flight per write call;"
                                        + " 0 for "
                                        + DEFAULT_WRITE_CONCURRENCY
                                        + ".")
                int writeConcurrency,
        @ConfigKey(
                        value = "chunk_read_concurrency",
                        min = 0,
                        doc =
                                "chunkstore: chunk reads in flight per call;"
                                        + " 0 for "
                                        + DEFAULT_CHUNK_READ_CONCURRENCY
                                        + ".")
                int chunkReadConcurrency,
        @ConfigKey(
                        value = "page_size",
                        dflt = "5000",
                        doc = "chunkstore: rows per page of an index read (gocql's" + " default).")
                int pageSize,
        @ConfigKey(
                        value = "allow_filtering",
                        doc =
                                "chunkstore: send value-equal filters to Cassandra with ALLOW"
                                        + " FILTERING (Cortex's way) instead of filtering in the client.")
                boolean allowFiltering,
        @ConfigKey(value = "num_connections", dflt = "2", doc = "Connections per host.")
                int numConnections,
        @ConfigKey(
                        value = "convict_hosts_on_failure",
                        dflt = "true",
                        doc =
                                "Accepted; the driver always marks a node down"
                                        + " when its connections fail (false logs a warning).")
                boolean convictHostsOnFailure,
        @ConfigKey(
                        value = "table_options",
                        doc =
                                "Appended to the CREATE TABLE of tables chunkstore"
                                        + " creates as WITH ...: name = value pairs joined by AND, values numbers, 'strings', true/false or"
                                        + " {'k': v} maps; ';', comments, CLUSTERING ORDER and COMPACT STORAGE are refused.")
                String tableOptions) {

    /** The consistency levels Cortex (gocql) accepts. */
    static final Set<String> CONSISTENCY_LEVELS =
            Set.of(
                    "ANY",
                    "ONE",
                    "TWO",
                    "THREE",
                    "QUORUM",
                    "ALL",
                    "LOCAL_QUORUM",
                    "EACH_QUORUM",
                    "LOCAL_ONE");

    static final Set<String> HOST_SELECTION_POLICIES = Set.of("round-robin", "token-aware");
    static final Set<String> REPLICATION_STRATEGIES =
            Set.of("SimpleStrategy", "NetworkTopologyStrategy");
    static final Set<String> PROTOCOL_VERSIONS = Set.of("V3", "V4", "V5", "V6");

    /**
     * Index queries of one call run in parallel up to this by default (Cortex's {@code
     * QueryParallelism}).
     */
    static final int DEFAULT_QUERY_CONCURRENCY = 100;

    /** Statements in flight at once for one write call by default. */
    static final int DEFAULT_WRITE_CONCURRENCY = 128;

    /**
     * Chunk reads in flight at once for one call by default (Loki's {@code max_parallel_get_chunk}
     * is 150).
     */
    static final int DEFAULT_CHUNK_READ_CONCURRENCY = 150;

    private static final Pattern DATACENTER = Pattern.compile("[A-Za-z0-9_.\\-]+");

    /**
     * Checks the values; folds levels to upper case and reads {@code password_file} into {@code
     * password}.
     */
    public CassandraConfig {
        if (addresses.isEmpty()) {
            throw new ConfigException(
                    "cassandra.addresses is empty: give the Cassandra hosts, comma-separated"
                            + " (like 'cassandra-1,cassandra-2' or '10.0.0.1:9042')");
        }
        requireRange("port", port, 1, 65535);
        for (String a : addresses) {
            hostAndPort(a, port);
        }
        String ks = CqlIdentifiers.problem("keyspace", keyspace);
        if (ks != null) {
            throw new ConfigException("cassandra.keyspace: " + ks);
        }
        consistency = level("consistency", consistency, false);
        readConsistency = level("read_consistency", readConsistency, true);
        writeConsistency = level("write_consistency", writeConsistency, true);
        requireRange("replication_factor", replicationFactor, 1, Integer.MAX_VALUE);
        if (replicationStrategy.equals("NetworkTopologyStrategy")
                && datacenterReplicationFactors.isEmpty()) {
            throw new ConfigException(
                    "cassandra.replication_strategy NetworkTopologyStrategy needs"
                            + " cassandra.datacenter_replication_factors, like {dc1: 3, dc2: 3}");
        }
        if (replicationStrategy.equals("SimpleStrategy")
                && !datacenterReplicationFactors.isEmpty()) {
            throw new ConfigException(
                    "cassandra.datacenter_replication_factors is set but"
                            + " cassandra.replication_strategy is SimpleStrategy; set it to NetworkTopologyStrategy");
        }
        datacenterReplicationFactors.forEach(
                (dc, rf) -> {
                    if (!DATACENTER.matcher(dc).matches()) {
                        throw new ConfigException(
                                "cassandra.datacenter_replication_factors: datacenter name '"
                                        + dc
                                        + "' may only hold letters, digits, '_', '-' and '.'");
                    }
                    if (rf == null || rf < 0) {
                        throw new ConfigException(
                                "cassandra.datacenter_replication_factors."
                                        + dc
                                        + " must be a replication factor >= 0, got "
                                        + rf);
                    }
                });
        localDatacenter = localDatacenter.trim();
        if (!localDatacenter.isEmpty() && !DATACENTER.matcher(localDatacenter).matches()) {
            throw new ConfigException(
                    "cassandra.local_datacenter '"
                            + localDatacenter
                            + "' may only hold letters, digits, '_', '-' and '.'");
        }
        protocolVersion = protocolVersion.trim().toUpperCase(Locale.ROOT);
        if (!protocolVersion.isEmpty() && !PROTOCOL_VERSIONS.contains(protocolVersion)) {
            throw new ConfigException(
                    "cassandra.protocol_version '"
                            + protocolVersion
                            + "' is not one of "
                            + new TreeSet<>(PROTOCOL_VERSIONS)
                            + " (leave it empty to negotiate)");
        }
        if (ssl && hostVerification && addresses.size() != 1) {
            throw new ConfigException(
                    "cassandra.host_verification is only possible with a single address, but"
                            + " cassandra.addresses lists "
                            + addresses.size()
                            + " ("
                            + String.join(",", addresses)
                            + "); give one address or set host_verification: false");
        }
        if (tlsCertPath.isEmpty() != tlsKeyPath.isEmpty()) {
            throw new ConfigException(
                    "cassandra.tls_cert_path and cassandra.tls_key_path go together: give both"
                            + " for a client certificate, or neither");
        }
        if (!ssl && !(caPath.isEmpty() && tlsCertPath.isEmpty())) {
            throw new ConfigException(
                    "cassandra.CA_path / tls_cert_path / tls_key_path are set but cassandra.SSL is"
                            + " false; set SSL: true to use TLS");
        }
        if (!password.isEmpty() && !passwordFile.isEmpty()) {
            throw new ConfigException(
                    "cassandra.password and cassandra.password_file are mutually exclusive;"
                            + " give only one");
        }
        if (!passwordFile.isEmpty()) {
            try {
                String p = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8);
                password =
                        p.endsWith("\r\n")
                                ? p.substring(0, p.length() - 2)
                                : p.endsWith("\n") ? p.substring(0, p.length() - 1) : p;
            } catch (IOException e) {
                throw new ConfigException(
                        "cassandra.password_file '" + passwordFile + "' cannot be read: " + e, e);
            }
        }
        if (auth && username.isEmpty()) {
            throw new ConfigException("cassandra.auth is true but cassandra.username is empty");
        }
        requirePositive("timeout", timeout);
        requirePositive("connect_timeout", connectTimeout);
        requirePositive("reconnect_interval", reconnectInterval);
        if (retryMaxBackoff.compareTo(retryMinBackoff) < 0) {
            throw new ConfigException(
                    "cassandra.retry_min_backoff ("
                            + GoDuration.format(retryMinBackoff)
                            + ") must be >= 0 and <= cassandra.retry_max_backoff ("
                            + GoDuration.format(retryMaxBackoff)
                            + ")");
        }
        requireRange("page_size", pageSize, 1, Integer.MAX_VALUE);
        requireRange("num_connections", numConnections, 1, Integer.MAX_VALUE);
        try {
            tableOptions = TableOptions.validate(tableOptions);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("cassandra." + e.getMessage(), e);
        }
    }

    /**
     * Binds and validates a {@code cassandra:} block (as parsed from YAML).
     *
     * @throws ConfigException naming the key when the block has an unknown key, a malformed value,
     *     or settings that do not go together
     */
    public static CassandraConfig bind(Map<String, ?> block) {
        return ConfigBinder.bind(CassandraConfig.class, block, "cassandra");
    }

    /** All keys the block accepts, sorted. */
    public static Set<String> keys() {
        return new TreeSet<>(ConfigBinder.keys(CassandraConfig.class));
    }

    private static String level(String key, String value, boolean optional) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        if (v.isEmpty() && optional) {
            return "";
        }
        if (!CONSISTENCY_LEVELS.contains(v)) {
            throw new ConfigException(
                    "cassandra."
                            + key
                            + " '"
                            + value
                            + "' is not a consistency level; use one of "
                            + new TreeSet<>(CONSISTENCY_LEVELS));
        }
        return v;
    }

    private static void requireRange(String key, int v, int min, int max) {
        if (v < min || v > max) {
            throw new ConfigException(
                    "cassandra."
                            + key
                            + " must be "
                            + (max == Integer.MAX_VALUE
                                    ? ">= " + min
                                    : "between " + min + " and " + max)
                            + ", got "
                            + v);
        }
    }

    private static void requirePositive(String key, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException(
                    "cassandra."
                            + key
                            + " must be a positive duration, got "
                            + GoDuration.format(d));
        }
    }

    /** A host and port of one address; the port defaults to {@code port}. */
    HostAndPort hostAndPort(String address) {
        return hostAndPort(address, port);
    }

    private static HostAndPort hostAndPort(String address, int defaultPort) {
        String a = address.trim();
        String host = a;
        int p = defaultPort;
        int colon = a.lastIndexOf(':');
        boolean bracketed = a.startsWith("[");
        if (bracketed) {
            int close = a.indexOf(']');
            if (close < 0) {
                throw new ConfigException("cassandra.addresses: malformed address '" + a + "'");
            }
            host = a.substring(1, close);
            if (close + 1 < a.length()) {
                if (a.charAt(close + 1) != ':') {
                    throw new ConfigException("cassandra.addresses: malformed address '" + a + "'");
                }
                p = parsePort(a, a.substring(close + 2));
            }
        } else if (colon >= 0 && a.indexOf(':') == colon) {
            host = a.substring(0, colon);
            p = parsePort(a, a.substring(colon + 1));
        }
        if (host.isEmpty()) {
            throw new ConfigException("cassandra.addresses: address '" + a + "' has no host");
        }
        return new HostAndPort(host, p);
    }

    private static int parsePort(String address, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new ConfigException("cassandra.addresses: bad port in '" + address + "'");
    }

    /** One contact point. */
    record HostAndPort(String host, int port) {}

    // ---- accessors beyond the components

    List<HostAndPort> contactPoints() {
        return addresses.stream().map(this::hostAndPort).toList();
    }

    /** The keyspace as Cassandra stores it (unquoted identifiers fold to lower case). */
    @Override
    public String keyspace() {
        return keyspace.toLowerCase(Locale.ROOT);
    }

    @Override
    public String readConsistency() {
        return readConsistency.isEmpty() ? consistency : readConsistency;
    }

    @Override
    public String writeConsistency() {
        return writeConsistency.isEmpty() ? consistency : writeConsistency;
    }

    public int effectiveQueryConcurrency() {
        return queryConcurrency == 0 ? DEFAULT_QUERY_CONCURRENCY : queryConcurrency;
    }

    public int effectiveWriteConcurrency() {
        return writeConcurrency == 0 ? DEFAULT_WRITE_CONCURRENCY : writeConcurrency;
    }

    public int effectiveChunkReadConcurrency() {
        return chunkReadConcurrency == 0 ? DEFAULT_CHUNK_READ_CONCURRENCY : chunkReadConcurrency;
    }

    @Override
    public String toString() {
        return "CassandraConfig{addresses="
                + String.join(",", addresses)
                + ", port="
                + port
                + ", keyspace="
                + keyspace
                + ", consistency="
                + consistency
                + ", read="
                + readConsistency()
                + ", write="
                + writeConsistency()
                + ", auth="
                + auth
                + ", username="
                + username
                + ", password="
                + (password.isEmpty() ? "" : "***")
                + ", SSL="
                + ssl
                + ", hostSelectionPolicy="
                + hostSelectionPolicy
                + ", timeout="
                + timeout
                + "}";
    }
}
