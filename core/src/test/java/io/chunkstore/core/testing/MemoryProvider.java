package io.chunkstore.core.testing;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProvider;
import io.chunkstore.spi.support.SimpleBackend;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A provider found through {@link java.util.ServiceLoader} in core's tests: {@code memory-a} and
 * {@code memory-b} open {@link MemoryBackend}s; {@code objects} opens one that declares chunks
 * only. Records what it opened.
 */
public final class MemoryProvider implements StorageProvider {
    /** Every backend opened, with the context it got. */
    public record Opened(BackendContext context, Backend backend) {}

    public static final List<Opened> OPENED = new CopyOnWriteArrayList<>();

    /** A memory backend that knows whether it was closed. */
    public static final class Backend extends SimpleBackend {
        public final MemoryBackend memory;
        public volatile boolean closed;

        Backend(MemoryBackend memory, Capabilities caps) {
            super(memory.storeName(), caps, memory, memory, memory);
            this.memory = memory;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Override
    public Set<String> storeNames() {
        return Set.of("memory-a", "memory-b", "objects");
    }

    @Override
    public Capabilities capabilities(String storeName) {
        return storeName.equals("objects")
                ? Capabilities.of(Feature.CHUNKS)
                : Capabilities.of(Feature.INDEX, Feature.CHUNKS, Feature.TABLES);
    }

    @Override
    public StorageBackend open(BackendContext context) {
        if (!storeNames().contains(context.storeName())) {
            throw new ConfigException("not mine: " + context.storeName());
        }
        Backend b =
                new Backend(
                        new MemoryBackend(context.storeName()), capabilities(context.storeName()));
        OPENED.add(new Opened(context, b));
        return b;
    }
}
