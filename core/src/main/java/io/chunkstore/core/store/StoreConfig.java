package io.chunkstore.core.store;

import io.chunkstore.core.config.LimitsConfig;
import io.chunkstore.spi.ConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Limits and tuning of the store's query path.
 *
 * @param maxQueryLength longest {@code through - from} a query may span (Cortex's {@code
 *     max_query_length}); zero turns the check off (the default)
 * @param maxChunksPerQuery most chunks one query may fetch (Cortex's {@code max_chunks_per_query},
 *     default 2,000,000); zero turns the check off
 * @param cacheLookupsOlderThan index queries of a query ending before {@code now - this} are marked
 *     immutable, so an index cache keeps their rows forever (Cortex's {@code
 *     cache_lookups_older_than}); zero (the default) never marks them
 * @param fetchBatchSize chunks per {@code getChunks} call
 * @param fetchParallelism {@code getChunks} calls in flight per query
 * @param queryParallelism threads of the store's own pool, which runs one index lookup per matcher
 *     and the chunk fetch batches
 */
public record StoreConfig(
        Duration maxQueryLength,
        int maxChunksPerQuery,
        Duration cacheLookupsOlderThan,
        int fetchBatchSize,
        int fetchParallelism,
        int queryParallelism) {

    public static final int DEFAULT_MAX_CHUNKS_PER_QUERY = 2_000_000;
    public static final StoreConfig DEFAULT =
            new StoreConfig(
                    Duration.ZERO, DEFAULT_MAX_CHUNKS_PER_QUERY, Duration.ZERO, 100, 16, 16);

    public StoreConfig {
        Objects.requireNonNull(maxQueryLength, "maxQueryLength");
        Objects.requireNonNull(cacheLookupsOlderThan, "cacheLookupsOlderThan");
        if (maxQueryLength.isNegative() || cacheLookupsOlderThan.isNegative()) {
            throw new ConfigException(
                    "store durations must not be negative: max_query_length "
                            + maxQueryLength
                            + ", cache_lookups_older_than "
                            + cacheLookupsOlderThan);
        }
        if (maxChunksPerQuery < 0) {
            throw new ConfigException(
                    "max_chunks_per_query must be >= 0 (0 turns it off), not " + maxChunksPerQuery);
        }
        if (fetchBatchSize <= 0 || fetchParallelism <= 0 || queryParallelism <= 0) {
            throw new ConfigException(
                    "fetch batch size, fetch parallelism and query parallelism must be positive,"
                            + " not "
                            + fetchBatchSize
                            + ", "
                            + fetchParallelism
                            + ", "
                            + queryParallelism);
        }
    }

    public StoreConfig withMaxQueryLength(Duration d) {
        return new StoreConfig(
                d,
                maxChunksPerQuery,
                cacheLookupsOlderThan,
                fetchBatchSize,
                fetchParallelism,
                queryParallelism);
    }

    public StoreConfig withMaxChunksPerQuery(int n) {
        return new StoreConfig(
                maxQueryLength,
                n,
                cacheLookupsOlderThan,
                fetchBatchSize,
                fetchParallelism,
                queryParallelism);
    }

    public StoreConfig withCacheLookupsOlderThan(Duration d) {
        return new StoreConfig(
                maxQueryLength,
                maxChunksPerQuery,
                d,
                fetchBatchSize,
                fetchParallelism,
                queryParallelism);
    }

    public StoreConfig withFetching(int batchSize, int parallelism) {
        return new StoreConfig(
                maxQueryLength,
                maxChunksPerQuery,
                cacheLookupsOlderThan,
                batchSize,
                parallelism,
                queryParallelism);
    }

    public StoreConfig withQueryParallelism(int n) {
        return new StoreConfig(
                maxQueryLength,
                maxChunksPerQuery,
                cacheLookupsOlderThan,
                fetchBatchSize,
                fetchParallelism,
                n);
    }

    /**
     * The defaults with the store limits of a limits block ({@code limits:} / {@code
     * limits_config:}, see {@link LimitsConfig}): {@code max_query_length} and {@code
     * max_chunks_per_query}. The block's other keys (ingestion limits and the like) are not the
     * store's and are accepted unread.
     *
     * @throws ConfigException naming the key when a value has the wrong type or a key is misspelt
     */
    public static StoreConfig fromLimits(Map<String, Object> limits) {
        return from(LimitsConfig.bind(limits, "limits"));
    }

    /** The defaults with the store limits of a bound limits block. */
    public static StoreConfig from(LimitsConfig limits) {
        return DEFAULT.withMaxQueryLength(limits.maxQueryLength())
                .withMaxChunksPerQuery(limits.maxChunksPerQuery());
    }
}
