package io.chunkstore.core.store;

import io.chunkstore.core.cache.WriteDedupeCache;
import io.chunkstore.core.config.SchemaConfig;
import java.time.Clock;
import java.util.concurrent.Executor;

/** What every period store of a composite store shares. */
record StoreContext(
        SchemaConfig schemaConfig,
        StoreConfig config,
        Clock clock,
        StoreMetrics metrics,
        Executor executor,
        WriteDedupeCache writeDedupeCache,
        ChunkFetcher fetcher) {}
