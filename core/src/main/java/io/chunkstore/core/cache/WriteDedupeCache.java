package io.chunkstore.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.chunkstore.spi.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The write-dedupe cache of the series store (Cortex's writeDedupeCache in seriesStore.PutOne): the
 * keys of label entries already written, one per series per bucket ({@link
 * io.chunkstore.core.schema.LabelWriteEntries#cacheKey()}), so an ingester flushing many chunks of
 * one series writes the series' label entries once a day instead of once per chunk. Losing an entry
 * only costs a rewrite of identical cells. Bounded by entries, optionally expiring. Thread-safe.
 */
public final class WriteDedupeCache {
    /** Default bound: one million keys. */
    public static final long DEFAULT_MAX_ENTRIES = 1_000_000;

    private final Cache<String, Boolean> keys;

    /** At most {@code maxEntries} keys; {@code expireAfterWrite} zero keeps them until evicted. */
    public WriteDedupeCache(long maxEntries, Duration expireAfterWrite) {
        if (maxEntries <= 0) {
            throw new ConfigException(
                    "the write-dedupe cache size must be positive, not " + maxEntries);
        }
        if (expireAfterWrite.isNegative()) {
            throw new ConfigException(
                    "the write-dedupe cache expiry must not be negative, not " + expireAfterWrite);
        }
        Caffeine<Object, Object> b = Caffeine.newBuilder().maximumSize(maxEntries);
        if (!expireAfterWrite.isZero()) {
            b.expireAfterWrite(expireAfterWrite);
        }
        this.keys = b.build();
    }

    /** A cache with the default bound and no expiry. */
    public WriteDedupeCache() {
        this(DEFAULT_MAX_ENTRIES, Duration.ZERO);
    }

    public boolean contains(String key) {
        return keys.getIfPresent(key) != null;
    }

    /** The keys of {@code candidates} not in the cache, in their order. */
    public List<String> missing(Collection<String> candidates) {
        List<String> out = new ArrayList<>();
        for (String k : candidates) {
            if (keys.getIfPresent(k) == null) {
                out.add(k);
            }
        }
        return out;
    }

    public void addAll(Collection<String> written) {
        for (String k : written) {
            keys.put(k, Boolean.TRUE);
        }
    }

    public void invalidateAll() {
        keys.invalidateAll();
    }

    public long size() {
        return keys.estimatedSize();
    }
}
