package io.chunkstore.core.store;

import io.chunkstore.core.cache.WriteDedupeCache;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.SchemaConfig;
import java.time.Clock;
import java.util.concurrent.Executor;

/** What every period store of a composite store shares. */
record StoreContext(SchemaConfig schemaConfig, StoreConfig config, Clock clock, StoreMetrics metrics,
        Executor executor, WriteDedupeCache writeDedupeCache, ChunkFetcher fetcher) {

    /**
     * The chunk table of a chunk starting at {@code fromMs}: {@code chunkTableFor(from)} over the whole schema
     * config; for a chunk starting before the first period (legacy data), the first period's chunk table.
     */
    String chunkTableFor(long fromMs) {
        PeriodConfig p = schemaConfig.periodAt(fromMs).orElse(schemaConfig.periods().get(0));
        return p.chunks().tableFor(fromMs);
    }
}
