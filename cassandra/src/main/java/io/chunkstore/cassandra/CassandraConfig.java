package io.chunkstore.cassandra;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.GoDuration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code cassandra:} block of a Cortex or Loki storage config, with every key Cortex and Loki accept (same names,
 * same defaults) and a few of our own (marked "chunkstore" below). Bind it with {@link #bind(Map)}, which rejects
 * unknown keys and inconsistent settings with a {@link ConfigException} naming the key.
 *
 * <p>Durations are Go durations ({@code 2s}, {@code 100ms}, {@code 1m30s}).
 */
public final class CassandraConfig {
    /** The consistency levels Cortex (gocql) accepts. */
    static final Set<String> CONSISTENCY_LEVELS = Set.of("ANY", "ONE", "TWO", "THREE", "QUORUM", "ALL",
            "LOCAL_QUORUM", "EACH_QUORUM", "LOCAL_ONE");
    static final Set<String> HOST_SELECTION_POLICIES = Set.of("round-robin", "token-aware");
    static final Set<String> REPLICATION_STRATEGIES = Set.of("SimpleStrategy", "NetworkTopologyStrategy");
    static final Set<String> PROTOCOL_VERSIONS = Set.of("V3", "V4", "V5", "V6");
    /** Index queries of one call run in parallel up to this by default (Cortex's {@code QueryParallelism}). */
    static final int DEFAULT_QUERY_CONCURRENCY = 100;
    /** Statements in flight at once for one write call by default. */
    static final int DEFAULT_WRITE_CONCURRENCY = 128;
    /** Chunk reads in flight at once for one call by default (Loki's {@code max_parallel_get_chunk} is 150). */
    static final int DEFAULT_CHUNK_READ_CONCURRENCY = 150;
    private static final Pattern DATACENTER = Pattern.compile("[A-Za-z0-9_.\\-]+");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.AUTO_DETECT_FIELDS, MapperFeature.AUTO_DETECT_GETTERS,
                    MapperFeature.AUTO_DETECT_IS_GETTERS, MapperFeature.AUTO_DETECT_SETTERS)
            .build();

    // ---- connection
    @JsonProperty("addresses")
    private String addresses = "";
    @JsonProperty("port")
    private int port = 9042;
    @JsonProperty("keyspace")
    private String keyspace = "";
    /** chunkstore: the driver's local datacenter; empty = inferred from the contact points. */
    @JsonProperty("local_datacenter")
    private String localDatacenter = "";
    /** chunkstore: native protocol version (V3, V4, V5, V6); empty = negotiated. */
    @JsonProperty("protocol_version")
    private String protocolVersion = "";

    // ---- consistency and keyspace
    @JsonProperty("consistency")
    private String consistency = "QUORUM";
    /** chunkstore: consistency of reads; empty = {@code consistency}. */
    @JsonProperty("read_consistency")
    private String readConsistency = "";
    /** chunkstore: consistency of writes (and DDL); empty = {@code consistency}. */
    @JsonProperty("write_consistency")
    private String writeConsistency = "";
    @JsonProperty("replication_factor")
    private int replicationFactor = 3;
    /** chunkstore: replication class of a keyspace we create: SimpleStrategy or NetworkTopologyStrategy. */
    @JsonProperty("replication_strategy")
    private String replicationStrategy = "SimpleStrategy";
    /** chunkstore: per-datacenter replication factors for NetworkTopologyStrategy. */
    @JsonProperty("datacenter_replication_factors")
    private Map<String, Integer> datacenterReplicationFactors = new LinkedHashMap<>();
    @JsonProperty("disable_initial_host_lookup")
    private boolean disableInitialHostLookup;

    // ---- TLS and auth
    @JsonProperty("SSL")
    private boolean ssl;
    @JsonProperty("host_verification")
    private boolean hostVerification = true;
    @JsonProperty("host_selection_policy")
    private String hostSelectionPolicy = "round-robin";
    @JsonProperty("CA_path")
    private String caPath = "";
    @JsonProperty("tls_cert_path")
    private String tlsCertPath = "";
    @JsonProperty("tls_key_path")
    private String tlsKeyPath = "";
    @JsonProperty("auth")
    private boolean auth;
    @JsonProperty("username")
    private String username = "";
    @JsonProperty("password")
    private String password = "";
    @JsonProperty("password_file")
    private String passwordFile = "";
    @JsonProperty("custom_authenticators")
    private List<String> customAuthenticators = new ArrayList<>();

    // ---- timeouts and retries
    @JsonProperty("timeout")
    @JsonDeserialize(using = DurationDeserializer.class)
    private Duration timeout = Duration.ofSeconds(2);
    @JsonProperty("connect_timeout")
    @JsonDeserialize(using = DurationDeserializer.class)
    private Duration connectTimeout = Duration.ofSeconds(5);
    @JsonProperty("reconnect_interval")
    @JsonDeserialize(using = DurationDeserializer.class)
    private Duration reconnectInterval = Duration.ofSeconds(1);
    @JsonProperty("max_retries")
    private int maxRetries;
    @JsonProperty("retry_min_backoff")
    @JsonDeserialize(using = DurationDeserializer.class)
    private Duration retryMinBackoff = Duration.ofMillis(100);
    @JsonProperty("retry_max_backoff")
    @JsonDeserialize(using = DurationDeserializer.class)
    private Duration retryMaxBackoff = Duration.ofSeconds(10);

    // ---- tuning and DDL
    @JsonProperty("query_concurrency")
    private int queryConcurrency;
    /** chunkstore: statements in flight at once per write call; 0 = {@value #DEFAULT_WRITE_CONCURRENCY}. */
    @JsonProperty("write_concurrency")
    private int writeConcurrency;
    /** chunkstore: chunk reads in flight at once per call; 0 = {@value #DEFAULT_CHUNK_READ_CONCURRENCY}. */
    @JsonProperty("chunk_read_concurrency")
    private int chunkReadConcurrency;
    /** chunkstore: rows per page of an index read. */
    @JsonProperty("page_size")
    private int pageSize = 5000;
    /** chunkstore: send value-equal filters to Cassandra with ALLOW FILTERING (Cortex's way) instead of client-side. */
    @JsonProperty("allow_filtering")
    private boolean allowFiltering;
    @JsonProperty("num_connections")
    private int numConnections = 2;
    @JsonProperty("convict_hosts_on_failure")
    private boolean convictHostsOnFailure = true;
    @JsonProperty("table_options")
    private String tableOptions = "";

    /** Resolved at bind time from {@code password} or {@code password_file}. */
    private String resolvedPassword = "";

    CassandraConfig() {
    }

    /**
     * Binds and validates a {@code cassandra:} block (as parsed from YAML).
     *
     * @throws ConfigException naming the key when the block has an unknown key, a malformed value, or settings that
     *                         do not go together
     */
    public static CassandraConfig bind(Map<String, ?> block) {
        CassandraConfig c;
        try {
            c = MAPPER.convertValue(block == null ? Map.of() : block, CassandraConfig.class);
        } catch (IllegalArgumentException e) {
            throw describe(e);
        }
        c.validate();
        return c;
    }

    /** All keys the block accepts, sorted. */
    public static Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        for (var f : CassandraConfig.class.getDeclaredFields()) {
            JsonProperty p = f.getAnnotation(JsonProperty.class);
            if (p != null) {
                keys.add(p.value());
            }
        }
        return keys;
    }

    private static ConfigException describe(IllegalArgumentException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (cause instanceof UnrecognizedPropertyException u) {
            return new ConfigException("unknown key 'cassandra." + u.getPropertyName() + "' in the cassandra config;"
                    + " known keys: " + String.join(", ", keys()), e);
        }
        if (cause instanceof JsonMappingException m) {
            String key = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : "[" + r.getIndex() + "]").collect(Collectors.joining("."));
            return new ConfigException("invalid value for 'cassandra." + key + "': " + m.getOriginalMessage(), e);
        }
        return new ConfigException("invalid cassandra config: " + cause.getMessage(), e);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private void validate() {
        // A YAML key with no value binds null; treat it as empty, like Go's zero value.
        addresses = orEmpty(addresses).trim();
        keyspace = orEmpty(keyspace);
        replicationStrategy = orEmpty(replicationStrategy);
        hostSelectionPolicy = orEmpty(hostSelectionPolicy);
        caPath = orEmpty(caPath);
        tlsCertPath = orEmpty(tlsCertPath);
        tlsKeyPath = orEmpty(tlsKeyPath);
        username = orEmpty(username);
        password = orEmpty(password);
        passwordFile = orEmpty(passwordFile);
        if (addresses().isEmpty()) {
            throw new ConfigException("cassandra.addresses is empty: give the Cassandra hosts, comma-separated"
                    + " (like 'cassandra-1,cassandra-2' or '10.0.0.1:9042')");
        }
        for (String a : addresses()) {
            hostAndPort(a);
        }
        requireRange("port", port, 1, 65535);
        String ks = CqlIdentifiers.problem("keyspace", keyspace);
        if (ks != null) {
            throw new ConfigException("cassandra.keyspace: " + ks);
        }
        consistency = level("consistency", consistency, false);
        readConsistency = level("read_consistency", readConsistency, true);
        writeConsistency = level("write_consistency", writeConsistency, true);
        requireRange("replication_factor", replicationFactor, 1, Integer.MAX_VALUE);
        if (!REPLICATION_STRATEGIES.contains(replicationStrategy)) {
            throw new ConfigException("cassandra.replication_strategy '" + replicationStrategy + "' is not one of "
                    + new TreeSet<>(REPLICATION_STRATEGIES));
        }
        if (datacenterReplicationFactors == null) {
            datacenterReplicationFactors = new LinkedHashMap<>();
        }
        if (replicationStrategy.equals("NetworkTopologyStrategy") && datacenterReplicationFactors.isEmpty()) {
            throw new ConfigException("cassandra.replication_strategy NetworkTopologyStrategy needs"
                    + " cassandra.datacenter_replication_factors, like {dc1: 3, dc2: 3}");
        }
        if (replicationStrategy.equals("SimpleStrategy") && !datacenterReplicationFactors.isEmpty()) {
            throw new ConfigException("cassandra.datacenter_replication_factors is set but"
                    + " cassandra.replication_strategy is SimpleStrategy; set it to NetworkTopologyStrategy");
        }
        datacenterReplicationFactors.forEach((dc, rf) -> {
            if (!DATACENTER.matcher(dc).matches()) {
                throw new ConfigException("cassandra.datacenter_replication_factors: datacenter name '" + dc
                        + "' may only hold letters, digits, '_', '-' and '.'");
            }
            if (rf == null || rf < 0) {
                throw new ConfigException("cassandra.datacenter_replication_factors." + dc
                        + " must be a replication factor >= 0, got " + rf);
            }
        });
        localDatacenter = localDatacenter == null ? "" : localDatacenter.trim();
        if (!localDatacenter.isEmpty() && !DATACENTER.matcher(localDatacenter).matches()) {
            throw new ConfigException("cassandra.local_datacenter '" + localDatacenter
                    + "' may only hold letters, digits, '_', '-' and '.'");
        }
        protocolVersion = protocolVersion == null ? "" : protocolVersion.trim().toUpperCase(Locale.ROOT);
        if (!protocolVersion.isEmpty() && !PROTOCOL_VERSIONS.contains(protocolVersion)) {
            throw new ConfigException("cassandra.protocol_version '" + protocolVersion + "' is not one of "
                    + new TreeSet<>(PROTOCOL_VERSIONS) + " (leave it empty to negotiate)");
        }
        if (!HOST_SELECTION_POLICIES.contains(hostSelectionPolicy)) {
            throw new ConfigException("cassandra.host_selection_policy '" + hostSelectionPolicy + "' is not one of "
                    + new TreeSet<>(HOST_SELECTION_POLICIES));
        }
        if (ssl && hostVerification && addresses().size() != 1) {
            throw new ConfigException("cassandra.host_verification is only possible with a single address, but"
                    + " cassandra.addresses lists " + addresses().size() + " (" + addresses + "); give one address or"
                    + " set host_verification: false");
        }
        if ((tlsCertPath.isEmpty()) != (tlsKeyPath.isEmpty())) {
            throw new ConfigException("cassandra.tls_cert_path and cassandra.tls_key_path go together: give both"
                    + " for a client certificate, or neither");
        }
        if (!ssl && !(caPath.isEmpty() && tlsCertPath.isEmpty())) {
            throw new ConfigException("cassandra.CA_path / tls_cert_path / tls_key_path are set but cassandra.SSL is"
                    + " false; set SSL: true to use TLS");
        }
        if (!password.isEmpty() && !passwordFile.isEmpty()) {
            throw new ConfigException("cassandra.password and cassandra.password_file are mutually exclusive;"
                    + " give only one");
        }
        resolvedPassword = password;
        if (!passwordFile.isEmpty()) {
            try {
                String p = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8);
                resolvedPassword = p.endsWith("\r\n") ? p.substring(0, p.length() - 2)
                        : p.endsWith("\n") ? p.substring(0, p.length() - 1) : p;
            } catch (IOException e) {
                throw new ConfigException("cassandra.password_file '" + passwordFile + "' cannot be read: " + e, e);
            }
        }
        if (auth && username.isEmpty()) {
            throw new ConfigException("cassandra.auth is true but cassandra.username is empty");
        }
        if (customAuthenticators == null) {
            customAuthenticators = new ArrayList<>();
        }
        requirePositive("timeout", timeout);
        requirePositive("connect_timeout", connectTimeout);
        requirePositive("reconnect_interval", reconnectInterval);
        requireRange("max_retries", maxRetries, 0, Integer.MAX_VALUE);
        if (retryMinBackoff.isNegative() || retryMaxBackoff.compareTo(retryMinBackoff) < 0) {
            throw new ConfigException("cassandra.retry_min_backoff (" + GoDuration.format(retryMinBackoff)
                    + ") must be >= 0 and <= cassandra.retry_max_backoff (" + GoDuration.format(retryMaxBackoff) + ")");
        }
        requireRange("query_concurrency", queryConcurrency, 0, Integer.MAX_VALUE);
        requireRange("write_concurrency", writeConcurrency, 0, Integer.MAX_VALUE);
        requireRange("chunk_read_concurrency", chunkReadConcurrency, 0, Integer.MAX_VALUE);
        requireRange("page_size", pageSize, 1, Integer.MAX_VALUE);
        requireRange("num_connections", numConnections, 1, Integer.MAX_VALUE);
        try {
            tableOptions = TableOptions.validate(tableOptions);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("cassandra." + e.getMessage(), e);
        }
    }

    private static String level(String key, String value, boolean optional) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        if (v.isEmpty() && optional) {
            return "";
        }
        if (!CONSISTENCY_LEVELS.contains(v)) {
            throw new ConfigException("cassandra." + key + " '" + value + "' is not a consistency level; use one of "
                    + new TreeSet<>(CONSISTENCY_LEVELS));
        }
        return v;
    }

    private static void requireRange(String key, int v, int min, int max) {
        if (v < min || v > max) {
            throw new ConfigException("cassandra." + key + " must be " + (max == Integer.MAX_VALUE ? ">= " + min
                    : "between " + min + " and " + max) + ", got " + v);
        }
    }

    private static void requirePositive(String key, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException("cassandra." + key + " must be a positive duration, got "
                    + GoDuration.format(d));
        }
    }

    /** A host and port of one address; the port defaults to {@code port}. */
    HostAndPort hostAndPort(String address) {
        String a = address.trim();
        String host = a;
        int p = port;
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
    record HostAndPort(String host, int port) {
    }

    /** Parses Go durations ({@code 2s}, {@code 100ms}) and rejects bare numbers, whose unit would be a guess. */
    static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.currentToken().isScalarValue() || p.currentToken().isNumeric()) {
                throw JsonMappingException.from(p, "expected a duration with a unit, like 2s or 100ms, got "
                        + p.getText());
            }
            try {
                return GoDuration.parse(p.getValueAsString());
            } catch (IllegalArgumentException e) {
                throw JsonMappingException.from(p, e.getMessage());
            }
        }
    }

    // ---- accessors

    /** The contact points, as given (comma-separated, blanks dropped). */
    public List<String> addresses() {
        List<String> out = new ArrayList<>();
        for (String a : addresses.split(",")) {
            if (!a.isBlank()) {
                out.add(a.trim());
            }
        }
        return out;
    }

    List<HostAndPort> contactPoints() {
        return addresses().stream().map(this::hostAndPort).toList();
    }

    public int port() {
        return port;
    }

    /** The keyspace as Cassandra stores it (unquoted identifiers fold to lower case). */
    public String keyspace() {
        return keyspace.toLowerCase(Locale.ROOT);
    }

    public String localDatacenter() {
        return localDatacenter;
    }

    public String protocolVersion() {
        return protocolVersion;
    }

    public String consistency() {
        return consistency;
    }

    public String readConsistency() {
        return readConsistency.isEmpty() ? consistency : readConsistency;
    }

    public String writeConsistency() {
        return writeConsistency.isEmpty() ? consistency : writeConsistency;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    public String replicationStrategy() {
        return replicationStrategy;
    }

    public Map<String, Integer> datacenterReplicationFactors() {
        return Map.copyOf(datacenterReplicationFactors);
    }

    public boolean disableInitialHostLookup() {
        return disableInitialHostLookup;
    }

    public boolean ssl() {
        return ssl;
    }

    public boolean hostVerification() {
        return hostVerification;
    }

    public String hostSelectionPolicy() {
        return hostSelectionPolicy;
    }

    public String caPath() {
        return caPath;
    }

    public String tlsCertPath() {
        return tlsCertPath;
    }

    public String tlsKeyPath() {
        return tlsKeyPath;
    }

    public boolean auth() {
        return auth;
    }

    public String username() {
        return username;
    }

    /** The password from {@code password} or {@code password_file} (its trailing newline trimmed). */
    public String password() {
        return resolvedPassword;
    }

    public String passwordFile() {
        return passwordFile;
    }

    public List<String> customAuthenticators() {
        return List.copyOf(customAuthenticators);
    }

    public Duration timeout() {
        return timeout;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration reconnectInterval() {
        return reconnectInterval;
    }

    public int maxRetries() {
        return maxRetries;
    }

    public Duration retryMinBackoff() {
        return retryMinBackoff;
    }

    public Duration retryMaxBackoff() {
        return retryMaxBackoff;
    }

    /** As configured; 0 means {@link #effectiveQueryConcurrency()} picks the default. */
    public int queryConcurrency() {
        return queryConcurrency;
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

    public int pageSize() {
        return pageSize;
    }

    public boolean allowFiltering() {
        return allowFiltering;
    }

    public int numConnections() {
        return numConnections;
    }

    public boolean convictHostsOnFailure() {
        return convictHostsOnFailure;
    }

    /** The validated {@code table_options} ("" when none). */
    public String tableOptions() {
        return tableOptions;
    }

    @Override
    public String toString() {
        return "CassandraConfig{addresses=" + addresses + ", port=" + port + ", keyspace=" + keyspace
                + ", consistency=" + consistency + ", read=" + readConsistency() + ", write=" + writeConsistency()
                + ", auth=" + auth + ", username=" + username + ", password=" + (resolvedPassword.isEmpty() ? "" : "***")
                + ", SSL=" + ssl + ", hostSelectionPolicy=" + hostSelectionPolicy + ", timeout=" + timeout + "}";
    }
}
