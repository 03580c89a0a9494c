package io.chunkstore.spi.support;

import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.TableClient;
import java.util.Objects;

/**
 * The part every {@link StorageBackend} shares: its store name, capabilities and up to three
 * clients, handed over once when it is opened. A backend extends it, passes what it built to the
 * constructor and writes only {@link #close()} (and any accessors of its own). A client it lacks is
 * {@code null}: asking for it throws {@link UnsupportedOperationException} with {@link #lacking}'s
 * message, which a backend overrides to say what to use instead.
 */
public abstract class SimpleBackend implements StorageBackend {
    private final String storeName;
    private final Capabilities capabilities;
    private final IndexClient index;
    private final ChunkClient chunks;
    private final TableClient tables;

    /** The clients may be null where the store lacks them. */
    protected SimpleBackend(
            String storeName,
            Capabilities capabilities,
            IndexClient index,
            ChunkClient chunks,
            TableClient tables) {
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
        this.index = index;
        this.chunks = chunks;
        this.tables = tables;
    }

    @Override
    public final String storeName() {
        return storeName;
    }

    @Override
    public final Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public final IndexClient indexClient() {
        return present(index, Feature.INDEX);
    }

    @Override
    public final ChunkClient chunkClient() {
        return present(chunks, Feature.CHUNKS);
    }

    @Override
    public final TableClient tableClient() {
        return present(tables, Feature.TABLES);
    }

    private <T> T present(T client, Feature which) {
        if (client == null) {
            throw new UnsupportedOperationException(lacking(which));
        }
        return client;
    }

    /**
     * Why asking for a client of this store fails; by default "store 'x' has no index client".
     *
     * @param client {@link Feature#INDEX}, {@link Feature#CHUNKS} or {@link Feature#TABLES}
     */
    protected String lacking(Feature client) {
        String what =
                switch (client) {
                    case INDEX -> "index client";
                    case CHUNKS -> "chunk client";
                    default -> "table client";
                };
        return "store '" + storeName + "' has no " + what;
    }
}
