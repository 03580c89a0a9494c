package io.chunkstore.server;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProvider;
import io.chunkstore.spi.memory.InMemoryBackend;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only stores found by store name like real backends: {@code mem-a} and {@code mem-b},
 * in-memory reference backends; the last one opened per name is kept for assertions ({@link
 * #opened}).
 */
public final class MemStores implements StorageProvider {
    private static final Map<String, InMemoryBackend> OPENED = new ConcurrentHashMap<>();

    /** The in-memory backend last opened for a store name. */
    static InMemoryBackend opened(String storeName) {
        return OPENED.get(storeName);
    }

    @Override
    public Set<String> storeNames() {
        return Set.of("mem-a", "mem-b");
    }

    @Override
    public Capabilities capabilities(String storeName) {
        return new InMemoryBackend().capabilities();
    }

    @Override
    public StorageBackend open(BackendContext context) {
        InMemoryBackend m = new InMemoryBackend();
        OPENED.put(context.storeName(), m);
        return m;
    }
}
