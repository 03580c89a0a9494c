package io.chunkstore.loki.query;

import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.store.IndexedChunk;
import java.util.Objects;

/**
 * A chunk the index points at, not fetched yet: the series store's {@link IndexedChunk} (its
 * external key exactly as the index holds it, the identity parsed from the key, its chunk table and
 * period), which is what a fetch needs.
 *
 * @param indexed the chunk as the index found it
 */
public record LogChunkRef(IndexedChunk indexed) {
    public LogChunkRef {
        Objects.requireNonNull(indexed, "indexed");
    }

    /** The key as the index holds it (pre-v12 or v12 form). */
    public String externalKey() {
        return indexed.externalKey();
    }

    /** The parsed key: tenant, fingerprint, from/through in ms, checksum. */
    public ChunkRef ref() {
        return indexed.ref();
    }

    /** The first entry's time in ms, rounded down. */
    public long from() {
        return indexed.from();
    }

    /** The last entry's time in ms, rounded up. */
    public long through() {
        return indexed.through();
    }

    public long fingerprint() {
        return indexed.fingerprint();
    }
}
