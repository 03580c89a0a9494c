package io.chunkstore.core.testing;

import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.TableClient;

/** A backend over a {@link MemoryBackend} with its own declared capabilities. */
public class ForwardingBackend implements StorageBackend {
    public final MemoryBackend memory;
    private final Capabilities caps;

    public ForwardingBackend(MemoryBackend memory, Capabilities caps) {
        this.memory = memory;
        this.caps = caps;
    }

    @Override
    public String storeName() {
        return memory.storeName();
    }

    @Override
    public Capabilities capabilities() {
        return caps;
    }

    @Override
    public IndexClient indexClient() {
        return memory;
    }

    @Override
    public ChunkClient chunkClient() {
        return memory;
    }

    @Override
    public TableClient tableClient() {
        return memory;
    }

    @Override
    public void close() {
    }
}
