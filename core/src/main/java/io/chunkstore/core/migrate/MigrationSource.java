package io.chunkstore.core.migrate;

import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.IndexedChunk;
import java.util.List;
import java.util.Objects;

/**
 * The store a migration reads from, as the engine sees it: index lookups and chunk fetches, and
 * nothing that writes. The engine only ever holds this interface for its source, so a migration
 * cannot modify the source by construction.
 */
public interface MigrationSource {

    /** The source's schema config (for messages and the key forms it wrote). */
    SchemaConfig schemaConfig();

    /**
     * {@link CompositeStore#chunkRefs}: chunks of the matching series overlapping {@code [from,
     * through]}.
     */
    List<IndexedChunk> chunkRefs(
            String userId, long from, long through, List<LabelMatcher> matchers);

    /**
     * {@link CompositeStore#fetchEncoded}: the chunks with their stored bytes, verified against
     * their keys.
     *
     * @throws io.chunkstore.spi.ChunkFetchException naming each chunk that is missing or does not
     *     verify, with the chunks that were read
     */
    List<ChunkCodec.Encoded> fetchEncoded(List<IndexedChunk> chunks);

    /** A read-only view of a store; the store itself stays private to the view. */
    static MigrationSource of(CompositeStore store) {
        Objects.requireNonNull(store, "store");
        return new MigrationSource() {
            @Override
            public SchemaConfig schemaConfig() {
                return store.schemaConfig();
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
            public String toString() {
                return "read-only " + store.schemaConfig();
            }
        };
    }
}
