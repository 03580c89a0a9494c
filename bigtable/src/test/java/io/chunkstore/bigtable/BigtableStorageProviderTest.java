package io.chunkstore.bigtable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageProviders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BigtableStorageProviderTest {

    @Test
    void everyBigtableStoreNameIsFoundOnTheClassPath() {
        for (String name : List.of("gcp", "gcp-columnkey", "bigtable", "bigtable-hashed")) {
            assertThat(StorageProviders.forStore(name))
                    .as(name)
                    .isInstanceOf(BigtableStorageProvider.class);
        }
    }

    @Test
    void capabilitiesAreDeclared() {
        var caps = new BigtableStorageProvider().capabilities("bigtable-hashed");
        assertThat(caps.features())
                .containsExactlyInAnyOrder(
                        Feature.INDEX,
                        Feature.INDEX_SCAN,
                        Feature.CHUNKS,
                        Feature.TABLES,
                        Feature.MISSING_TABLE_ERRORS,
                        Feature.CHUNK_DELETE,
                        Feature.PERSISTENT);
        assertThat(caps.maxChunkSize()).isEqualTo(100L << 20);
        assertThatThrownBy(() -> new BigtableStorageProvider().capabilities("aws"))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void aSmallerMessageLimitLowersTheLargestChunk() {
        assertThat(BigtableBackend.maxChunkSize(BigtableConfig.GrpcOptions.DEFAULT))
                .isEqualTo(100L << 20);
        assertThat(
                        BigtableBackend.maxChunkSize(
                                new BigtableConfig.GrpcOptions(16 << 20, 0, "", List.of())))
                .isEqualTo((16L << 20) - BigtableBackend.MESSAGE_OVERHEAD);
        assertThat(
                        BigtableBackend.maxChunkSize(
                                new BigtableConfig.GrpcOptions(0, 8 << 20, "", List.of())))
                .isEqualTo((8L << 20) - BigtableBackend.MESSAGE_OVERHEAD);
    }

    @Test
    void openingNeedsAProjectAndInstance() {
        assertThatThrownBy(
                        () ->
                                StorageProviders.open(
                                        new BackendContext("bigtable", Map.of(), null, null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bigtable.project");
    }

    @Test
    void aMissingKeyFileIsAConfigError() {
        assertThatThrownBy(() -> BigtableBackend.credentials("/nonexistent/key.json"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not exist");
    }
}
