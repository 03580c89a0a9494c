package io.chunkstore.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassandraConfigTest {

    private static Map<String, Object> minimal() {
        Map<String, Object> m = new HashMap<>();
        m.put("addresses", "cassandra-1");
        m.put("keyspace", "cortex");
        return m;
    }

    private static CassandraConfig bind(Map<String, Object> extra) {
        Map<String, Object> m = minimal();
        m.putAll(extra);
        return CassandraConfig.bind(m);
    }

    @Test
    void defaultsAreCortexs() {
        CassandraConfig c = CassandraConfig.bind(minimal());
        assertThat(c.addresses()).containsExactly("cassandra-1");
        assertThat(c.port()).isEqualTo(9042);
        assertThat(c.keyspace()).isEqualTo("cortex");
        assertThat(c.consistency()).isEqualTo("QUORUM");
        assertThat(c.readConsistency()).isEqualTo("QUORUM");
        assertThat(c.writeConsistency()).isEqualTo("QUORUM");
        assertThat(c.replicationFactor()).isEqualTo(3);
        assertThat(c.replicationStrategy()).isEqualTo("SimpleStrategy");
        assertThat(c.disableInitialHostLookup()).isFalse();
        assertThat(c.ssl()).isFalse();
        assertThat(c.hostVerification()).isTrue();
        assertThat(c.hostSelectionPolicy()).isEqualTo("round-robin");
        assertThat(c.auth()).isFalse();
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.reconnectInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.maxRetries()).isZero();
        assertThat(c.retryMinBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.retryMaxBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.queryConcurrency()).isZero();
        assertThat(c.effectiveQueryConcurrency()).isEqualTo(100);
        assertThat(c.effectiveWriteConcurrency())
                .isEqualTo(CassandraConfig.DEFAULT_WRITE_CONCURRENCY);
        assertThat(c.effectiveChunkReadConcurrency())
                .isEqualTo(CassandraConfig.DEFAULT_CHUNK_READ_CONCURRENCY);
        assertThat(c.numConnections()).isEqualTo(2);
        assertThat(c.convictHostsOnFailure()).isTrue();
        assertThat(c.tableOptions()).isEmpty();
        assertThat(c.localDatacenter()).isEmpty();
        assertThat(c.protocolVersion()).isEmpty();
        assertThat(c.pageSize()).isEqualTo(5000);
        assertThat(c.allowFiltering()).isFalse();
    }

    @Test
    void everyCortexKeyIsAccepted() {
        // The keys of Cortex's and Loki's cassandra block (pkg/chunk/cassandra/storage_client.go).
        assertThat(CassandraConfig.keys())
                .contains(
                        "addresses",
                        "port",
                        "keyspace",
                        "consistency",
                        "replication_factor",
                        "disable_initial_host_lookup",
                        "SSL",
                        "host_verification",
                        "host_selection_policy",
                        "CA_path",
                        "tls_cert_path",
                        "tls_key_path",
                        "auth",
                        "username",
                        "password",
                        "password_file",
                        "custom_authenticators",
                        "timeout",
                        "connect_timeout",
                        "reconnect_interval",
                        "max_retries",
                        "retry_max_backoff",
                        "retry_min_backoff",
                        "query_concurrency",
                        "num_connections",
                        "convict_hosts_on_failure",
                        "table_options");
    }

    @Test
    void bindsEveryKey(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("addresses", "10.0.0.1, 10.0.0.2:9043");
        m.put("port", 9142);
        m.put("keyspace", "Loki_Index");
        m.put("consistency", "local_quorum");
        m.put("read_consistency", "LOCAL_ONE");
        m.put("write_consistency", "EACH_QUORUM");
        m.put("replication_factor", 1);
        m.put("replication_strategy", "NetworkTopologyStrategy");
        m.put("datacenter_replication_factors", Map.of("dc1", 3, "dc-2", 2));
        m.put("disable_initial_host_lookup", true);
        m.put("SSL", true);
        m.put("host_verification", false);
        m.put("host_selection_policy", "token-aware");
        m.put("CA_path", ca.toString());
        m.put("tls_cert_path", "/etc/cert.pem");
        m.put("tls_key_path", "/etc/key.pem");
        m.put("auth", true);
        m.put("username", "cortex");
        m.put("password", "s3cret");
        m.put("custom_authenticators", List.of("com.example.Auth"));
        m.put("timeout", "3s");
        m.put("connect_timeout", "1m30s");
        m.put("reconnect_interval", "250ms");
        m.put("max_retries", 5);
        m.put("retry_min_backoff", "50ms");
        m.put("retry_max_backoff", "2s");
        m.put("query_concurrency", 7);
        m.put("write_concurrency", 9);
        m.put("chunk_read_concurrency", 11);
        m.put("num_connections", 4);
        m.put("convict_hosts_on_failure", false);
        m.put("table_options", "default_time_to_live = 86400");
        m.put("local_datacenter", "dc1");
        m.put("protocol_version", "v5");
        m.put("page_size", 100);
        m.put("allow_filtering", true);
        assertThat(m.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        CassandraConfig.keys().stream()
                                .filter(k -> !k.equals("password_file"))
                                .toList());

        CassandraConfig c = CassandraConfig.bind(m);
        assertThat(c.addresses()).containsExactly("10.0.0.1", "10.0.0.2:9043");
        assertThat(c.contactPoints())
                .containsExactly(
                        new CassandraConfig.HostAndPort("10.0.0.1", 9142),
                        new CassandraConfig.HostAndPort("10.0.0.2", 9043));
        assertThat(c.port()).isEqualTo(9142);
        assertThat(c.keyspace()).isEqualTo("loki_index");
        assertThat(c.consistency()).isEqualTo("LOCAL_QUORUM");
        assertThat(c.readConsistency()).isEqualTo("LOCAL_ONE");
        assertThat(c.writeConsistency()).isEqualTo("EACH_QUORUM");
        assertThat(c.replicationFactor()).isEqualTo(1);
        assertThat(c.replicationStrategy()).isEqualTo("NetworkTopologyStrategy");
        assertThat(c.datacenterReplicationFactors())
                .containsExactlyInAnyOrderEntriesOf(Map.of("dc1", 3, "dc-2", 2));
        assertThat(c.disableInitialHostLookup()).isTrue();
        assertThat(c.ssl()).isTrue();
        assertThat(c.hostVerification()).isFalse();
        assertThat(c.hostSelectionPolicy()).isEqualTo("token-aware");
        assertThat(c.caPath()).isEqualTo(ca.toString());
        assertThat(c.tlsCertPath()).isEqualTo("/etc/cert.pem");
        assertThat(c.tlsKeyPath()).isEqualTo("/etc/key.pem");
        assertThat(c.auth()).isTrue();
        assertThat(c.username()).isEqualTo("cortex");
        assertThat(c.password()).isEqualTo("s3cret");
        assertThat(c.customAuthenticators()).containsExactly("com.example.Auth");
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.reconnectInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.maxRetries()).isEqualTo(5);
        assertThat(c.retryMinBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.retryMaxBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.effectiveQueryConcurrency()).isEqualTo(7);
        assertThat(c.effectiveWriteConcurrency()).isEqualTo(9);
        assertThat(c.effectiveChunkReadConcurrency()).isEqualTo(11);
        assertThat(c.numConnections()).isEqualTo(4);
        assertThat(c.convictHostsOnFailure()).isFalse();
        assertThat(c.tableOptions()).isEqualTo("default_time_to_live = 86400");
        assertThat(c.localDatacenter()).isEqualTo("dc1");
        assertThat(c.protocolVersion()).isEqualTo("V5");
        assertThat(c.pageSize()).isEqualTo(100);
        assertThat(c.allowFiltering()).isTrue();
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void stringValuesFromYamlAreCoerced() {
        CassandraConfig c = bind(Map.of("port", "9043", "SSL", "false", "max_retries", "2"));
        assertThat(c.port()).isEqualTo(9043);
        assertThat(c.maxRetries()).isEqualTo(2);
    }

    @Test
    void keysWithoutAValueAreEmpty() {
        Map<String, Object> m = new HashMap<>();
        for (String k :
                List.of(
                        "password",
                        "password_file",
                        "CA_path",
                        "tls_cert_path",
                        "tls_key_path",
                        "username",
                        "table_options",
                        "read_consistency",
                        "local_datacenter",
                        "protocol_version")) {
            m.put(k, null);
        }
        CassandraConfig c = bind(m);
        assertThat(c.password()).isEmpty();
        assertThat(c.tableOptions()).isEmpty();
        assertThat(c.readConsistency()).isEqualTo("QUORUM");
        // Issue 15's one rule: a key without a value takes its default (it was Go's zero value,
        // refused here).
        Map<String, Object> policy = new HashMap<>();
        policy.put("host_selection_policy", null);
        assertThat(bind(policy).hostSelectionPolicy()).isEqualTo("round-robin");
        Map<String, Object> port = new HashMap<>();
        port.put("port", null);
        assertThat(bind(port).port()).isEqualTo(9042);
        assertThatThrownBy(() -> bind(Map.of("host_selection_policy", "")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cassandra.host_selection_policy");
    }

    @Test
    void unknownKeyIsNamed() {
        assertThatThrownBy(() -> bind(Map.of("adresses", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cassandra.adresses")
                .hasMessageContaining("addresses");
    }

    @Test
    void malformedValueNamesTheKey() {
        assertThatThrownBy(() -> bind(Map.of("port", "ninety")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cassandra.port");
        assertThatThrownBy(() -> bind(Map.of("timeout", "2 seconds")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cassandra.timeout")
                .hasMessageContaining("2s");
        assertThatThrownBy(() -> bind(Map.of("timeout", 2)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cassandra.timeout")
                .hasMessageContaining("unit");
    }

    @Test
    void addressesAndKeyspaceAreRequired() {
        assertThatThrownBy(() -> CassandraConfig.bind(Map.of("keyspace", "k")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cassandra.addresses");
        assertThatThrownBy(() -> CassandraConfig.bind(Map.of("addresses", "h")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cassandra.keyspace");
        assertThatThrownBy(() -> bind(Map.of("keyspace", "cortex; DROP KEYSPACE system")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a valid Cassandra identifier");
        assertThatThrownBy(() -> bind(Map.of("addresses", "host:notaport")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad port");
    }

    @Test
    void ipv6AddressesInBrackets() {
        CassandraConfig c = bind(Map.of("addresses", "[::1]:9043,[fe80::1]"));
        assertThat(c.contactPoints())
                .containsExactly(
                        new CassandraConfig.HostAndPort("::1", 9043),
                        new CassandraConfig.HostAndPort("fe80::1", 9042));
    }

    @Test
    void consistencyLevelsAreCortexs() {
        for (String l : CassandraConfig.CONSISTENCY_LEVELS) {
            assertThat(bind(Map.of("consistency", l)).consistency()).isEqualTo(l);
        }
        assertThatThrownBy(() -> bind(Map.of("consistency", "QUOROM")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cassandra.consistency")
                .hasMessageContaining("LOCAL_QUORUM");
        assertThatThrownBy(() -> bind(Map.of("write_consistency", "SERIAL")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cassandra.write_consistency");
        CassandraConfig c = bind(Map.of("consistency", "ONE", "read_consistency", "ALL"));
        assertThat(c.readConsistency()).isEqualTo("ALL");
        assertThat(c.writeConsistency()).isEqualTo("ONE");
    }

    @Test
    void hostVerificationOnlyWithOneAddress() {
        assertThatThrownBy(() -> bind(Map.of("addresses", "a,b", "SSL", true)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("single address");
        assertThat(bind(Map.of("addresses", "a,b", "SSL", true, "host_verification", false)).ssl())
                .isTrue();
        assertThat(bind(Map.of("addresses", "a,b", "host_verification", true)).ssl()).isFalse();
        assertThat(bind(Map.of("addresses", "a", "SSL", true)).hostVerification()).isTrue();
    }

    @Test
    void tlsFilesNeedSslAndGoTogether() {
        assertThatThrownBy(() -> bind(Map.of("SSL", true, "tls_cert_path", "/c.pem")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls_key_path");
        assertThatThrownBy(() -> bind(Map.of("CA_path", "/ca.pem")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SSL");
    }

    @Test
    void passwordFileIsReadAndTrimmedOfItsNewline(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("pw"), "p@ss word\n");
        CassandraConfig c =
                bind(Map.of("auth", true, "username", "u", "password_file", f.toString()));
        assertThat(c.password()).isEqualTo("p@ss word");
        assertThat(c.passwordFile()).isEqualTo(f.toString());
        Path g = Files.writeString(dir.resolve("pw2"), "two\n\n");
        assertThat(bind(Map.of("password_file", g.toString())).password()).isEqualTo("two\n");
    }

    @Test
    void passwordAndPasswordFileAreExclusive(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("pw"), "x\n");
        assertThatThrownBy(() -> bind(Map.of("password", "y", "password_file", f.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mutually exclusive");
        assertThatThrownBy(() -> bind(Map.of("password_file", dir.resolve("missing").toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> bind(Map.of("auth", true)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("username");
    }

    @Test
    void replicationSettingsAreChecked() {
        assertThatThrownBy(() -> bind(Map.of("replication_strategy", "NetworkTopologyStrategy")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("datacenter_replication_factors");
        assertThatThrownBy(() -> bind(Map.of("datacenter_replication_factors", Map.of("dc1", 3))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("NetworkTopologyStrategy");
        assertThatThrownBy(
                        () ->
                                bind(
                                        Map.of(
                                                "replication_strategy",
                                                "NetworkTopologyStrategy",
                                                "datacenter_replication_factors",
                                                Map.of("dc1': 3}; --", 3))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("datacenter name");
        assertThatThrownBy(() -> bind(Map.of("replication_strategy", "LocalStrategy")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("replication_strategy");
        assertThatThrownBy(() -> bind(Map.of("replication_factor", 0)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("replication_factor");
    }

    @Test
    void rangesAreChecked() {
        assertThatThrownBy(() -> bind(Map.of("num_connections", 0)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("num_connections");
        assertThatThrownBy(() -> bind(Map.of("query_concurrency", -1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("query_concurrency");
        assertThatThrownBy(() -> bind(Map.of("timeout", "0s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cassandra.timeout");
        assertThatThrownBy(() -> bind(Map.of("retry_min_backoff", "5s", "retry_max_backoff", "1s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("retry_min_backoff");
        assertThatThrownBy(() -> bind(Map.of("host_selection_policy", "random")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("token-aware");
        assertThatThrownBy(() -> bind(Map.of("protocol_version", "V2")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("protocol_version");
        assertThatThrownBy(() -> bind(Map.of("local_datacenter", "dc'1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("local_datacenter");
    }

    @Test
    void tableOptionsAreValidated() {
        assertThat(
                        bind(Map.of(
                                        "table_options",
                                        "  compaction = {'class': 'LeveledCompactionStrategy'} "))
                                .tableOptions())
                .isEqualTo("compaction = {'class': 'LeveledCompactionStrategy'}");
        assertThatThrownBy(
                        () -> bind(Map.of("table_options", "gc_grace_seconds = 1; DROP TABLE x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cassandra.table_options")
                .hasMessageContaining("name = value");
    }
}
