package io.chunkstore.conformance.memory;

import io.chunkstore.conformance.ConformanceSuite;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.memory.InMemoryBackend;

/** Certifies the in-memory reference backend with the whole suite. */
class InMemoryConformanceTest implements ConformanceSuite {
    @Override
    public StorageBackend openBackend() {
        return new InMemoryBackend();
    }
}
