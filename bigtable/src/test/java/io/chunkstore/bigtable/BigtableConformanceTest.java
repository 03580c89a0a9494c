package io.chunkstore.bigtable;

import io.chunkstore.conformance.ConformanceSuite;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.testservers.BigtableEndpoint;
import io.chunkstore.testservers.RealServer;
import io.chunkstore.testservers.TestServers;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * Certifies the Bigtable backend with the whole conformance suite on the emulator (test-servers),
 * once for each of Cortex's three index layouts, each opened by store name as a user's config
 * would.
 */
@RealServer
class BigtableConformanceTest {

    static StorageBackend open(String storeName) {
        BigtableEndpoint e = TestServers.bigtable();
        return StorageProviders.open(
                new BackendContext(
                        storeName,
                        Map.of(
                                "bigtable",
                                Map.of(
                                        "project",
                                        e.projectId(),
                                        "instance",
                                        e.instanceId(),
                                        "emulator_host",
                                        e.hostAndPort())),
                        null,
                        "cortex"));
    }

    @Nested
    @DisplayName("gcp: row key hash ‖ 0x00 ‖ range, qualifier c")
    class Gcp implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return open("gcp");
        }
    }

    @Nested
    @DisplayName("gcp-columnkey: row key hash, qualifier range")
    class ColumnKey implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return open("gcp-columnkey");
        }
    }

    @Nested
    @DisplayName("bigtable-hashed: row key fnv-prefix - hash, qualifier range")
    class Hashed implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return open("bigtable-hashed");
        }
    }
}
