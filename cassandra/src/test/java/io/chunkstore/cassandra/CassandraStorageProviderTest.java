package io.chunkstore.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageProviders;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CassandraStorageProviderTest {

    @Test
    void foundByStoreName() {
        assertThat(StorageProviders.forStore("cassandra"))
                .isInstanceOf(CassandraStorageProvider.class);
    }

    @Test
    void capabilities() {
        var caps = new CassandraStorageProvider().capabilities("cassandra");
        assertThat(caps.features())
                .containsExactlyInAnyOrder(
                        Feature.INDEX,
                        Feature.INDEX_SCAN,
                        Feature.CHUNKS,
                        Feature.TABLES,
                        Feature.MISSING_TABLE_ERRORS,
                        Feature.CHUNK_DELETE,
                        Feature.PERSISTENT);
        assertThat(caps.maxChunkSize())
                .isEqualTo(15L * 1024 * 1024)
                .isGreaterThan(5L * 1024 * 1024);
    }

    @Test
    void configProblemsAreReportedBeforeConnecting() {
        CassandraStorageProvider p = new CassandraStorageProvider();
        assertThatThrownBy(() -> p.open(new BackendContext("cassandra", Map.of(), null, "cortex")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cassandra: block");
        assertThatThrownBy(
                        () ->
                                p.open(
                                        new BackendContext(
                                                "cassandra",
                                                Map.of(
                                                        "cassandra",
                                                        Map.of(
                                                                "addresses",
                                                                "h",
                                                                "keyspace",
                                                                "k",
                                                                "bogus",
                                                                1)),
                                                null,
                                                "cortex")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cassandra.bogus");
        assertThatThrownBy(
                        () ->
                                p.open(
                                        new BackendContext(
                                                "cassandra",
                                                Map.of(
                                                        "cassandra",
                                                        Map.of(
                                                                "addresses",
                                                                "no-such-host.invalid",
                                                                "keyspace",
                                                                "k")),
                                                null,
                                                "cortex")))
                .isInstanceOf(io.chunkstore.spi.UnavailableException.class)
                .hasMessageContaining("no-such-host.invalid");
        assertThatThrownBy(() -> p.open(new BackendContext("bigtable", Map.of(), null, "cortex")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bigtable");
    }
}
