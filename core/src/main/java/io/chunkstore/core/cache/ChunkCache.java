package io.chunkstore.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.chunkstore.spi.ConfigException;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * Encoded chunks by external key, bounded in bytes (Cortex's chunk cache, in process). The store
 * reads through it before asking a backend, writes back what it fetched, and skips writing a chunk
 * that is already in it (a chunk in the cache was stored before: keys are content-addressed).
 * Values are the stored bytes; callers must not modify them. Thread-safe.
 */
public final class ChunkCache {
    /** Default bound: 1 GiB of chunk bytes. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    private static final int ENTRY_OVERHEAD = 64;

    private final Cache<String, byte[]> chunks;
    private final long maxBytes;

    /**
     * A cache holding at most {@code maxBytes} bytes of chunks (plus keys and a small per-entry
     * overhead).
     */
    public ChunkCache(long maxBytes) {
        if (maxBytes <= 0) {
            throw new ConfigException(
                    "the chunk cache size must be positive, not " + maxBytes + " bytes");
        }
        this.maxBytes = maxBytes;
        this.chunks =
                Caffeine.newBuilder()
                        .maximumWeight(maxBytes)
                        .weigher(
                                (String k, byte[] v) ->
                                        (int)
                                                Math.min(
                                                        Integer.MAX_VALUE,
                                                        (long) v.length
                                                                + k.length()
                                                                + ENTRY_OVERHEAD))
                        .build();
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The chunk's bytes, or null when not cached. */
    public byte[] get(String externalKey) {
        return chunks.getIfPresent(externalKey);
    }

    /** The cached chunks among {@code externalKeys}, by key. */
    public Map<String, byte[]> getAll(Collection<String> externalKeys) {
        return chunks.getAllPresent(externalKeys);
    }

    public boolean contains(String externalKey) {
        return chunks.getIfPresent(externalKey) != null;
    }

    public void put(String externalKey, byte[] encoded) {
        chunks.put(
                Objects.requireNonNull(externalKey, "externalKey"),
                Objects.requireNonNull(encoded, "encoded"));
    }

    /** Drops one chunk (for example one whose cached bytes failed to decode). */
    public void invalidate(String externalKey) {
        chunks.invalidate(externalKey);
    }

    public void invalidateAll() {
        chunks.invalidateAll();
    }

    /** Chunks cached now (approximate). */
    public long size() {
        return chunks.estimatedSize();
    }

    /** Runs pending evictions; for tests that check the bound. */
    public void cleanUp() {
        chunks.cleanUp();
    }
}
