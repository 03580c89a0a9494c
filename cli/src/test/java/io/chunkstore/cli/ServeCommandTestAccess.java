package io.chunkstore.cli;

import io.chunkstore.spi.memory.InMemoryBackend;

/** Lets tests in other packages see the test stores opened by name. */
public final class ServeCommandTestAccess {
    private ServeCommandTestAccess() {
    }

    /** The in-memory backend last opened for a test store name ({@code mem-a}, ...). */
    public static InMemoryBackend memStore(String name) {
        return TestStores.OPENED.get(name);
    }
}
