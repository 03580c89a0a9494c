package io.chunkstore.core.cache;

import io.chunkstore.spi.ConfigException;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link CachingIndexClient}.
 *
 * @param cardinalityLimit rows with more entries than this fail with {@link
 *     CardinalityExceededException} (Cortex's {@code -store.cardinality-limit}, default 100,000; 0
 *     turns the check off)
 * @param validity how long a row read for a mutable query stays cached (Cortex's {@code
 *     -store.index-cache-validity}, default 5m); rows of immutable queries never expire
 * @param maxBytes bound of the cache in bytes of range values and values (plus a small per-entry
 *     overhead); least recently used rows are evicted first
 */
public record IndexCacheConfig(int cardinalityLimit, Duration validity, long maxBytes) {
    public static final int DEFAULT_CARDINALITY_LIMIT = 100_000;
    public static final Duration DEFAULT_VALIDITY = Duration.ofMinutes(5);
    public static final long DEFAULT_MAX_BYTES = 256L << 20;
    public static final IndexCacheConfig DEFAULT =
            new IndexCacheConfig(DEFAULT_CARDINALITY_LIMIT, DEFAULT_VALIDITY, DEFAULT_MAX_BYTES);

    public IndexCacheConfig {
        Objects.requireNonNull(validity, "validity");
        if (cardinalityLimit < 0) {
            throw new ConfigException(
                    "cardinality_limit must be >= 0 (0 turns it off), not " + cardinalityLimit);
        }
        if (validity.isNegative()) {
            throw new ConfigException("index_cache_validity must not be negative, not " + validity);
        }
        if (maxBytes <= 0) {
            throw new ConfigException(
                    "the index cache size must be positive, not " + maxBytes + " bytes");
        }
    }

    public IndexCacheConfig withCardinalityLimit(int limit) {
        return new IndexCacheConfig(limit, validity, maxBytes);
    }

    public IndexCacheConfig withValidity(Duration v) {
        return new IndexCacheConfig(cardinalityLimit, v, maxBytes);
    }

    public IndexCacheConfig withMaxBytes(long bytes) {
        return new IndexCacheConfig(cardinalityLimit, validity, bytes);
    }
}
