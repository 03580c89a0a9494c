package io.chunkstore.cassandra;

import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import com.datastax.oss.driver.internal.core.connection.ConstantReconnectionPolicy;
import com.datastax.oss.driver.internal.core.loadbalancing.DcInferringLoadBalancingPolicy;
import com.datastax.oss.driver.internal.core.loadbalancing.DefaultLoadBalancingPolicy;
import java.time.Duration;
import java.util.List;

/**
 * Translates a {@link CassandraConfig} into the Java driver's options. Credentials, TLS and the
 * contact-point filter of {@code disable_initial_host_lookup} are not options: {@link
 * CassandraSession} passes them to the session builder.
 */
final class DriverSettings {
    /**
     * DDL waits at least this long (Cortex's users asked for 10 s because table creation is slow).
     */
    static final Duration MIN_SCHEMA_TIMEOUT = Duration.ofSeconds(10);

    private DriverSettings() {}

    static OptionsMap options(CassandraConfig c) {
        OptionsMap m = OptionsMap.driverDefaults();
        m.put(TypedDriverOption.SESSION_NAME, "chunkstore-cassandra");
        m.put(
                TypedDriverOption.CONTACT_POINTS,
                c.contactPoints().stream().map(hp -> hp.host() + ":" + hp.port()).toList());
        m.put(TypedDriverOption.REQUEST_TIMEOUT, c.timeout());
        m.put(TypedDriverOption.REQUEST_CONSISTENCY, c.consistency());
        m.put(TypedDriverOption.REQUEST_PAGE_SIZE, c.pageSize());
        // Every statement this backend runs is idempotent (upserts, deletes, reads, IF [NOT] EXISTS
        // DDL).
        m.put(TypedDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true);
        m.put(TypedDriverOption.CONNECTION_CONNECT_TIMEOUT, c.connectTimeout());
        m.put(TypedDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, c.connectTimeout());
        m.put(TypedDriverOption.CONTROL_CONNECTION_TIMEOUT, c.connectTimeout());
        m.put(TypedDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, schemaTimeout(c));
        m.put(TypedDriverOption.CONNECTION_POOL_LOCAL_SIZE, c.numConnections());
        m.put(TypedDriverOption.CONNECTION_POOL_REMOTE_SIZE, c.numConnections());
        m.put(
                TypedDriverOption.RECONNECTION_POLICY_CLASS,
                ConstantReconnectionPolicy.class.getName());
        m.put(TypedDriverOption.RECONNECTION_BASE_DELAY, c.reconnectInterval());
        if (!c.protocolVersion().isEmpty()) {
            m.put(TypedDriverOption.PROTOCOL_VERSION, c.protocolVersion());
        }
        boolean tokenAware = c.hostSelectionPolicy().equals("token-aware");
        if (tokenAware) {
            m.put(
                    TypedDriverOption.LOAD_BALANCING_POLICY_CLASS,
                    c.localDatacenter().isEmpty()
                            ? DcInferringLoadBalancingPolicy.class.getName()
                            : DefaultLoadBalancingPolicy.class.getName());
        } else {
            m.put(
                    TypedDriverOption.LOAD_BALANCING_POLICY_CLASS,
                    RoundRobinLoadBalancingPolicy.class.getName());
        }
        if (!c.localDatacenter().isEmpty()) {
            m.put(TypedDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, c.localDatacenter());
        }
        // Token-aware routing needs the token map, which needs our keyspace's replication settings
        // from the schema
        // metadata; round-robin needs neither, and without schema metadata DDL is ~20x faster.
        m.put(TypedDriverOption.METADATA_TOKEN_MAP_ENABLED, tokenAware);
        m.put(TypedDriverOption.METADATA_SCHEMA_ENABLED, tokenAware);
        if (tokenAware) {
            m.put(TypedDriverOption.METADATA_SCHEMA_REFRESHED_KEYSPACES, List.of(c.keyspace()));
            m.put(TypedDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(50));
        }
        return m;
    }

    static Duration schemaTimeout(CassandraConfig c) {
        return c.timeout().compareTo(MIN_SCHEMA_TIMEOUT) > 0 ? c.timeout() : MIN_SCHEMA_TIMEOUT;
    }
}
