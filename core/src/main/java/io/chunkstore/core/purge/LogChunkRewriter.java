package io.chunkstore.core.purge;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;

/**
 * Rewrites a log chunk without the entries a delete covers, for {@link Purger#deleteSeries}. Log
 * chunks (Loki's MemChunk) are decoded above core, so the purger is handed one; without it a log
 * chunk that straddles the range is kept and reported.
 */
@FunctionalInterface
public interface LogChunkRewriter {

    /**
     * What is left of a log chunk once the entries with {@code fromMs <= time < toMs} (in
     * milliseconds, each entry's time truncated to the millisecond it falls in) are taken out.
     *
     * @param kept entries left
     * @param removed entries taken out
     * @param chunk the chunk of the kept entries (same tenant, labels, fingerprint and format),
     *     null when none is left or none was removed
     */
    record Rewritten(long kept, long removed, ChunkCodec.Encoded chunk) {}

    /**
     * @param externalKey the chunk's key, for errors
     * @throws io.chunkstore.spi.InvalidChunkException when the chunk cannot be read whole (a
     *     rewrite never drops what it cannot read)
     */
    Rewritten without(Chunk chunk, String externalKey, long fromMs, long toMs);
}
