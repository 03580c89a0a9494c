package io.chunkstore.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import com.datastax.oss.driver.internal.core.connection.ConstantReconnectionPolicy;
import com.datastax.oss.driver.internal.core.loadbalancing.DcInferringLoadBalancingPolicy;
import com.datastax.oss.driver.internal.core.loadbalancing.DefaultLoadBalancingPolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriverSettingsTest {

    private static OptionsMap options(Map<String, Object> extra) {
        Map<String, Object> m =
                new HashMap<>(Map.of("addresses", "db1,db2:9043", "keyspace", "cortex"));
        m.putAll(extra);
        return DriverSettings.options(CassandraConfig.bind(m));
    }

    @Test
    void cortexKeysBecomeDriverOptions() {
        OptionsMap o =
                options(
                        Map.of(
                                "timeout",
                                "3s",
                                "connect_timeout",
                                "7s",
                                "reconnect_interval",
                                "500ms",
                                "num_connections",
                                3,
                                "consistency",
                                "LOCAL_QUORUM",
                                "page_size",
                                250));
        assertThat(o.get(TypedDriverOption.CONTACT_POINTS)).containsExactly("db1:9042", "db2:9043");
        assertThat(o.get(TypedDriverOption.REQUEST_TIMEOUT)).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.get(TypedDriverOption.CONNECTION_CONNECT_TIMEOUT))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(o.get(TypedDriverOption.CONNECTION_INIT_QUERY_TIMEOUT))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(o.get(TypedDriverOption.RECONNECTION_POLICY_CLASS))
                .isEqualTo(ConstantReconnectionPolicy.class.getName());
        assertThat(o.get(TypedDriverOption.RECONNECTION_BASE_DELAY))
                .isEqualTo(Duration.ofMillis(500));
        assertThat(o.get(TypedDriverOption.CONNECTION_POOL_LOCAL_SIZE)).isEqualTo(3);
        assertThat(o.get(TypedDriverOption.CONNECTION_POOL_REMOTE_SIZE)).isEqualTo(3);
        assertThat(o.get(TypedDriverOption.REQUEST_CONSISTENCY)).isEqualTo("LOCAL_QUORUM");
        assertThat(o.get(TypedDriverOption.REQUEST_PAGE_SIZE)).isEqualTo(250);
        assertThat(o.get(TypedDriverOption.REQUEST_DEFAULT_IDEMPOTENCE)).isTrue();
        assertThat(o.get(TypedDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT))
                .isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void roundRobinIsTheDefaultAndNeedsNoSchemaMetadata() {
        OptionsMap o = options(Map.of());
        assertThat(o.get(TypedDriverOption.LOAD_BALANCING_POLICY_CLASS))
                .isEqualTo(RoundRobinLoadBalancingPolicy.class.getName());
        assertThat(o.get(TypedDriverOption.METADATA_SCHEMA_ENABLED)).isFalse();
        assertThat(o.get(TypedDriverOption.METADATA_TOKEN_MAP_ENABLED)).isFalse();
        assertThat(o.get(TypedDriverOption.LOAD_BALANCING_LOCAL_DATACENTER)).isNull();
        assertThat(o.get(TypedDriverOption.PROTOCOL_VERSION)).isNull();
    }

    @Test
    void tokenAwareReadsOurKeyspacesMetadataOnly() {
        OptionsMap o = options(Map.of("host_selection_policy", "token-aware"));
        assertThat(o.get(TypedDriverOption.LOAD_BALANCING_POLICY_CLASS))
                .isEqualTo(DcInferringLoadBalancingPolicy.class.getName());
        assertThat(o.get(TypedDriverOption.METADATA_SCHEMA_ENABLED)).isTrue();
        assertThat(o.get(TypedDriverOption.METADATA_TOKEN_MAP_ENABLED)).isTrue();
        assertThat(o.get(TypedDriverOption.METADATA_SCHEMA_REFRESHED_KEYSPACES))
                .isEqualTo(List.of("cortex"));
        OptionsMap dc =
                options(Map.of("host_selection_policy", "token-aware", "local_datacenter", "dc1"));
        assertThat(dc.get(TypedDriverOption.LOAD_BALANCING_POLICY_CLASS))
                .isEqualTo(DefaultLoadBalancingPolicy.class.getName());
        assertThat(dc.get(TypedDriverOption.LOAD_BALANCING_LOCAL_DATACENTER)).isEqualTo("dc1");
    }

    @Test
    void protocolVersionAndLongTimeouts() {
        OptionsMap o = options(Map.of("protocol_version", "V5", "timeout", "30s"));
        assertThat(o.get(TypedDriverOption.PROTOCOL_VERSION)).isEqualTo("V5");
        assertThat(o.get(TypedDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT))
                .isEqualTo(Duration.ofSeconds(30));
    }
}
