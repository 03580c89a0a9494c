package io.chunkstore.core.store;

import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.IndexClient;
import java.util.Objects;

/**
 * The clients that serve one schema period: the index client of its {@code store} and the chunk
 * client of its {@code object_store}. The store does not close them; their owner does (see {@link
 * StoreBackends}).
 */
public record PeriodClients(IndexClient index, ChunkClient chunks) {
    public PeriodClients {
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(chunks, "chunks");
    }
}
