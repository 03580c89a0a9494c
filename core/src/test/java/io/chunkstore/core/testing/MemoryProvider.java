package io.chunkstore.core.testing;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProvider;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A provider found through {@link java.util.ServiceLoader} in core's tests: {@code memory-a} and {@code memory-b}
 * open {@link MemoryBackend}s; {@code objects} opens one that declares chunks only. Records what it opened.
 */
public final class MemoryProvider implements StorageProvider {
    /** Every backend opened, with the context it got. */
    public record Opened(BackendContext context, Backend backend) {
    }

    public static final List<Opened> OPENED = new CopyOnWriteArrayList<>();

    /** A memory backend that knows whether it was closed. */
    public static final class Backend extends io.chunkstore.core.testing.ForwardingBackend {
        public volatile boolean closed;

        Backend(MemoryBackend delegate, Capabilities caps) {
            super(delegate, caps);
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
        return storeName.equals("objects") ? Capabilities.of(Feature.CHUNKS)
                : Capabilities.of(Feature.INDEX, Feature.CHUNKS, Feature.TABLES);
    }

    @Override
    public StorageBackend open(BackendContext context) {
        if (!storeNames().contains(context.storeName())) {
            throw new ConfigException("not mine: " + context.storeName());
        }
        Backend b = new Backend(new MemoryBackend(context.storeName()), capabilities(context.storeName()));
        OPENED.add(new Opened(context, b));
        return b;
    }
}
