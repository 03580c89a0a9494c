package io.chunkstore.core.store;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.spi.StorageException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one chunk fetch got, each chunk decoded once: every chunk that was read and verified against
 * the key the index holds, by that external key in the order asked, and for every other key its
 * typed error ({@link io.chunkstore.spi.ChunkNotFoundException} when missing, {@link
 * io.chunkstore.spi.InvalidChunkException} when it does not verify, the backend's own error when
 * the read failed). Nothing asked for is in neither map.
 *
 * @param chunks external key to the decoded chunk with its stored bytes
 * @param failures external key to the error for that key
 */
public record FetchedChunks(
        Map<String, ChunkCodec.Encoded> chunks, Map<String, StorageException> failures) {
    public FetchedChunks {
        chunks = Collections.unmodifiableMap(new LinkedHashMap<>(chunks));
        failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }

    /**
     * The decoded chunk fetched under this external key, or null (then {@link #failures()} says
     * why).
     */
    public Chunk chunk(String externalKey) {
        ChunkCodec.Encoded e = chunks.get(externalKey);
        return e == null ? null : e.chunk();
    }
}
