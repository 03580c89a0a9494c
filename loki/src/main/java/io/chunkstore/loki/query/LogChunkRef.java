package io.chunkstore.loki.query;

import io.chunkstore.core.chunk.ChunkRef;

import java.util.Objects;

/**
 * A chunk the index points at, not fetched yet: its external key exactly as the index holds it, the identity parsed
 * from the key (tenant, fingerprint, from/through in ms, checksum), and whatever the {@link LogChunkSource} needs to
 * fetch it again (the series store's own reference, say).
 *
 * @param externalKey the key as the index holds it (pre-v12 or v12 form)
 * @param ref         the parsed key
 * @param handle      the source's own reference to the chunk; may be null
 */
public record LogChunkRef(String externalKey, ChunkRef ref, Object handle) {
    public LogChunkRef {
        Objects.requireNonNull(externalKey, "externalKey");
        Objects.requireNonNull(ref, "ref");
    }

    /** The first entry's time in ms, rounded down. */
    public long from() {
        return ref.from();
    }

    /** The last entry's time in ms, rounded up. */
    public long through() {
        return ref.through();
    }

    public long fingerprint() {
        return ref.fingerprint();
    }
}
