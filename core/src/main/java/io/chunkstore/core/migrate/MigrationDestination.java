package io.chunkstore.core.migrate;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.IndexedChunk;
import java.util.List;
import java.util.Objects;

/**
 * The store a migration writes to: chunk writes with their index under the destination's schema,
 * and the reads {@code --verify} needs. Implemented over a {@link CompositeStore} (which must have
 * no chunk cache, so every write reaches the backend, and should have no index cache, so
 * verification reads what was written).
 */
public interface MigrationDestination {

    /**
     * The destination's schema config: its periods decide the index layout and the key form of each
     * chunk.
     */
    SchemaConfig schemaConfig();

    /** {@link CompositeStore#externalKey}: the key a chunk is stored and indexed under here. */
    String externalKey(Chunk chunk);

    /** {@link CompositeStore#put(List)}: stores the chunks, then their index entries. */
    void put(List<ChunkCodec.Encoded> chunks);

    /** {@link CompositeStore#chunkRefs}, for verification. */
    List<IndexedChunk> chunkRefs(
            String userId, long from, long through, List<LabelMatcher> matchers);

    /** {@link CompositeStore#fetchEncoded}, for verification. */
    List<ChunkCodec.Encoded> fetchEncoded(List<IndexedChunk> chunks);

    /**
     * Creates the tables these chunks are written to, when they are missing (a no-op for stores
     * without tables or when the destination was built without table creation).
     */
    default void ensureTables(List<ChunkCodec.Encoded> chunks) {}

    /** A destination over a store, without table creation. */
    static MigrationDestination of(CompositeStore store) {
        return of(store, null);
    }

    /**
     * A destination over a store; {@code tables}, when not null, creates missing tables before each
     * write (what {@code --create-tables} turns on).
     */
    static MigrationDestination of(CompositeStore store, DestinationTables tables) {
        Objects.requireNonNull(store, "store");
        return new MigrationDestination() {
            @Override
            public SchemaConfig schemaConfig() {
                return store.schemaConfig();
            }

            @Override
            public String externalKey(Chunk chunk) {
                return store.externalKey(chunk);
            }

            @Override
            public void put(List<ChunkCodec.Encoded> chunks) {
                store.put(chunks);
            }

            @Override
            public List<IndexedChunk> chunkRefs(
                    String userId, long from, long through, List<LabelMatcher> matchers) {
                return store.chunkRefs(userId, from, through, matchers);
            }

            @Override
            public List<ChunkCodec.Encoded> fetchEncoded(List<IndexedChunk> chunks) {
                return store.fetchEncoded(chunks);
            }

            @Override
            public void ensureTables(List<ChunkCodec.Encoded> chunks) {
                if (tables != null) {
                    tables.ensure(chunks);
                }
            }
        };
    }
}
