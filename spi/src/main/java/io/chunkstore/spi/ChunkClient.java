package io.chunkstore.spi;

import java.util.List;

/**
 * The chunk half of a chunk store (Cortex's chunk {@code Client}): encoded chunks stored under
 * their external keys. Backends move bytes; encoding, decoding and verification against the key
 * live above them (core), so every backend rejects a corrupted chunk the same way.
 *
 * <p>Thread-safe and blocking; reads run in parallel inside under a bound.
 */
public interface ChunkClient extends AutoCloseable {

    /**
     * Stores every chunk; overwriting a chunk with the same key is harmless (keys are
     * content-addressed). When some chunks were stored and others not, throws a {@link
     * ChunkWriteException} naming both; when none was, the error that kept them out (see {@link
     * ChunkWriteException#check}). Nothing is dropped silently.
     */
    void putChunks(List<EncodedChunk> chunks);

    /**
     * Fetches the chunks, in any order. When some cannot be fetched, throws a {@link
     * ChunkFetchException} carrying the chunks that were read and a typed error per failed key
     * ({@link ChunkNotFoundException} when missing).
     */
    List<EncodedChunk> getChunks(List<ChunkLocation> chunks);

    /** Deletes the chunk; deleting a missing chunk is a no-op. */
    void deleteChunk(ChunkLocation chunk);

    @Override
    void close();
}
