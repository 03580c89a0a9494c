package io.chunkstore.core.store;

import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.spi.ChunkLocation;
import java.util.Objects;

/**
 * A chunk found in the index, not fetched yet (Cortex's "chunk refs"): its external key exactly as
 * the index holds it, the identity parsed from that key, the chunk table it is stored in ({@code
 * chunkTableFor(from)}) and the period whose index pointed at it (whose chunk client fetches it).
 *
 * @param externalKey the key as written in the index (current, v12 or legacy form)
 * @param ref the parsed key
 * @param tableName the chunk table ("" for stores without tables)
 * @param period the period whose index held the entry
 */
public record IndexedChunk(
        String externalKey, ChunkRef ref, String tableName, PeriodConfig period) {
    public IndexedChunk {
        Objects.requireNonNull(externalKey, "externalKey");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(period, "period");
        tableName = tableName == null ? "" : tableName;
    }

    /** Where a chunk client finds it. */
    public ChunkLocation location() {
        return new ChunkLocation(externalKey, tableName);
    }

    public long from() {
        return ref.from();
    }

    public long through() {
        return ref.through();
    }

    public long fingerprint() {
        return ref.fingerprint();
    }
}
