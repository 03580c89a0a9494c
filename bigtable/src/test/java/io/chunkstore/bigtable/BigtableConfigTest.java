package io.chunkstore.bigtable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.ConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BigtableConfigTest {
    private static final Map<String, String> NO_ENV = Map.of();

    private static BigtableConfig bind(Map<String, ?> block) {
        return BigtableConfig.bind(block, NO_ENV::get);
    }

    private static Map<String, Object> base() {
        Map<String, Object> m = new HashMap<>();
        m.put("project", "my-project");
        m.put("instance", "my-instance");
        return m;
    }

    @Test
    void defaultsAreCortexs() {
        BigtableConfig c = bind(base());
        assertThat(c.project()).isEqualTo("my-project");
        assertThat(c.instance()).isEqualTo("my-instance");
        assertThat(c.tableCacheEnabled()).isTrue();
        assertThat(c.tableCacheExpiration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.usesEmulator()).isFalse();
        assertThat(c.endpoint()).isEmpty();
        assertThat(c.adminEndpoint()).isEmpty();
        assertThat(c.credentialsFile()).isEmpty();
        assertThat(c.queryConcurrency()).isEqualTo(100);
        assertThat(c.chunkGetConcurrency()).isEqualTo(16);
        assertThat(c.gcMaxVersions()).isZero();
        assertThat(c.grpc()).isEqualTo(BigtableConfig.GrpcOptions.DEFAULT);
    }

    /** A Cortex block as users write it, with every key set. */
    @Test
    void bindsEveryKey() {
        Map<String, Object> m = base();
        m.put(
                "grpc_client_config",
                Map.of(
                        "max_recv_msg_size",
                        104857600,
                        "max_send_msg_size",
                        16777216,
                        "grpc_compression",
                        "gzip"));
        m.put("table_cache_enabled", false);
        m.put("table_cache_expiration", "1h30m");
        m.put("endpoint", "bigtable.example.com:443");
        m.put("admin_endpoint", "bigtableadmin.example.com:443");
        m.put("credentials_file", "/etc/key.json");
        m.put("query_concurrency", 32);
        m.put("chunk_get_concurrency", "8");
        m.put("gc_max_versions", 1);
        BigtableConfig c = bind(m);
        assertThat(c.tableCacheEnabled()).isFalse();
        assertThat(c.tableCacheExpiration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.endpoint()).isEqualTo("bigtable.example.com:443");
        assertThat(c.adminEndpoint()).isEqualTo("bigtableadmin.example.com:443");
        assertThat(c.credentialsFile()).isEqualTo("/etc/key.json");
        assertThat(c.queryConcurrency()).isEqualTo(32);
        assertThat(c.chunkGetConcurrency()).isEqualTo(8);
        assertThat(c.gcMaxVersions()).isEqualTo(1);
        assertThat(c.grpc())
                .isEqualTo(new BigtableConfig.GrpcOptions(104857600, 16777216, "gzip", List.of()));
    }

    @Test
    void keysWithoutAValueTakeTheirDefault() {
        Map<String, Object> m = base();
        m.put("table_cache_expiration", null);
        m.put("grpc_client_config", null);
        m.put("query_concurrency", null);
        BigtableConfig c = bind(m);
        assertThat(c.tableCacheExpiration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.queryConcurrency()).isEqualTo(100);
    }

    @Test
    void unknownKeysAreNamed() {
        Map<String, Object> m = base();
        m.put("instanse", "x");
        assertThatThrownBy(() -> bind(m))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'bigtable.instanse'")
                .hasMessageContaining("instance");
        Map<String, Object> g = base();
        g.put("grpc_client_config", Map.of("max_recv_msg", 1));
        assertThatThrownBy(() -> bind(g))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'bigtable.grpc_client_config.max_recv_msg'");
    }

    @Test
    void projectAndInstanceAreRequired() {
        assertThatThrownBy(() -> bind(Map.of("instance", "i")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bigtable.project");
        assertThatThrownBy(() -> bind(Map.of("project", "p")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bigtable.instance");
        assertThatThrownBy(() -> bind(null)).isInstanceOf(ConfigException.class);
    }

    @Test
    void wrongTypesNameTheKey() {
        for (Map.Entry<String, Object> bad :
                List.<Map.Entry<String, Object>>of(
                        Map.entry("table_cache_enabled", "yes"),
                        Map.entry("query_concurrency", "many"),
                        Map.entry("query_concurrency", 0),
                        Map.entry("chunk_get_concurrency", -1),
                        Map.entry("gc_max_versions", 1.5),
                        Map.entry("table_cache_expiration", "30 minutes"),
                        Map.entry("table_cache_expiration", "-1m"),
                        Map.entry("grpc_client_config", "gzip"),
                        Map.entry("project", List.of("a")))) {
            Map<String, Object> m = base();
            m.put(bad.getKey(), bad.getValue());
            assertThatThrownBy(() -> bind(m))
                    .as("%s = %s", bad.getKey(), bad.getValue())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("bigtable." + bad.getKey());
        }
    }

    /**
     * Issue 15: a bare number other than 0 is no longer read as nanoseconds; it is refused, as for
     * every key.
     */
    @Test
    void goDurationsAndNoBareNumbers() {
        Map<String, Object> m = base();
        m.put("table_cache_expiration", "2m30s");
        assertThat(bind(m).tableCacheExpiration()).isEqualTo(Duration.ofSeconds(150));
        m.put("table_cache_expiration", 1_000_000_000L);
        assertThatThrownBy(() -> bind(m))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bigtable.table_cache_expiration: 1000000000 has no unit");
        m.put("table_cache_expiration", "0");
        assertThat(bind(m).tableCacheExpiration()).isZero();
    }

    @Test
    void emulatorHostComesFromTheKeyOrTheEnvironment() {
        Map<String, Object> m = base();
        m.put("emulator_host", "localhost:8086");
        BigtableConfig c = bind(m);
        assertThat(c.usesEmulator()).isTrue();
        assertThat(BigtableConfig.host(c.emulatorHost())).isEqualTo("localhost");
        assertThat(BigtableConfig.port(c.emulatorHost())).isEqualTo(8086);

        BigtableConfig fromEnv =
                BigtableConfig.bind(
                        base(), Map.of("BIGTABLE_EMULATOR_HOST", "127.0.0.1:9000")::get);
        assertThat(fromEnv.emulatorHost()).isEqualTo("127.0.0.1:9000");
        BigtableConfig keyWins =
                BigtableConfig.bind(m, Map.of("BIGTABLE_EMULATOR_HOST", "127.0.0.1:9000")::get);
        assertThat(keyWins.emulatorHost()).isEqualTo("localhost:8086");
        m.put("emulator_host", "[::1]:8086");
        assertThat(BigtableConfig.host(bind(m).emulatorHost())).isEqualTo("::1");
    }

    @Test
    void addressesMustBeHostAndPortAndTheEmulatorExcludesEndpoints() {
        for (String bad :
                List.of("localhost", "localhost:", ":8086", "localhost:http", "localhost:70000")) {
            Map<String, Object> m = base();
            m.put("emulator_host", bad);
            assertThatThrownBy(() -> bind(m))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("bigtable.emulator_host must be host:port");
        }
        Map<String, Object> both = base();
        both.put("endpoint", "bigtable.googleapis.com:443");
        assertThatThrownBy(
                        () ->
                                BigtableConfig.bind(
                                        both, Map.of("BIGTABLE_EMULATOR_HOST", "localhost:1")::get))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("exclude each other")
                .hasMessageContaining("BIGTABLE_EMULATOR_HOST");
    }

    /**
     * Cortex's other gRPC client keys are accepted and listed as ignored; snappy is ignored,
     * nonsense refused.
     */
    @Test
    void grpcClientConfigHonoursWhatMapsAndListsTheRest() {
        Map<String, Object> m = base();
        m.put(
                "grpc_client_config",
                Map.of(
                        "rate_limit",
                        10.0,
                        "backoff_on_ratelimits",
                        true,
                        "backoff_config",
                        Map.of("min_period", "100ms"),
                        "tls_enabled",
                        true,
                        "grpc_compression",
                        "snappy"));
        BigtableConfig.GrpcOptions g = bind(m).grpc();
        assertThat(g.compression()).isEmpty();
        assertThat(g.ignored())
                .containsExactly(
                        "backoff_config",
                        "backoff_on_ratelimits",
                        "rate_limit",
                        "tls_enabled",
                        "grpc_compression=snappy");
        m.put("grpc_client_config", Map.of("grpc_compression", "lz4"));
        assertThatThrownBy(() -> bind(m))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("grpc_compression");
    }

    @Test
    void keysAreListed() {
        assertThat(BigtableConfig.keys())
                .containsExactly(
                        "admin_endpoint",
                        "chunk_get_concurrency",
                        "credentials_file",
                        "emulator_host",
                        "endpoint",
                        "gc_max_versions",
                        "grpc_client_config",
                        "instance",
                        "project",
                        "query_concurrency",
                        "table_cache_enabled",
                        "table_cache_expiration");
    }
}
