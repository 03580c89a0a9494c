package io.chunkstore.local;

import io.chunkstore.conformance.ConformanceSuite;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certifies the local store with the whole conformance suite, opened by store name as a user's
 * config would.
 */
class LocalConformanceTest implements ConformanceSuite {
    /** Class-level: the backend is opened once per class and must outlive each test. */
    @TempDir static Path dir;

    @Override
    public StorageBackend openBackend() {
        return StorageProviders.open(
                new BackendContext(
                        "local", Map.of("local", Map.of("directory", dir.toString())), null, null));
    }
}
