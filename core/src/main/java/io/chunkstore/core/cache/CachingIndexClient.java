package io.chunkstore.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexScan;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.AsyncQueries;
import io.chunkstore.spi.support.SyncPageLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cortex's {@code cachingIndexClient} (pkg/chunk/storage/caching_index_client.go) in process: every
 * query is broadened to its whole row ({@code table, hash}), each distinct row is read from the
 * backend once per call and cached, and every caller query is answered from the row with {@link
 * IndexQuery#matches}. So one broad read serves the metric, label and label-value lookups of a
 * query, and repeated queries do not reach the backend at all.
 *
 * <ul>
 *   <li>Rows of {@link IndexQuery#immutable() immutable} queries never expire; others expire after
 *       {@link IndexCacheConfig#validity()}. Empty rows are cached too.
 *   <li>A row with more entries than {@link IndexCacheConfig#cardinalityLimit()} is cached as "too
 *       large" (its size, no entries) and its queries fail with {@link
 *       CardinalityExceededException} after the other queries of the call were answered; none of
 *       its entries reach the consumer.
 *   <li>Writes go straight to the backend; the cache is not invalidated (as in Cortex: the validity
 *       bounds how stale a mutable row may be).
 * </ul>
 *
 * <p>The cache holds whole rows in memory, which is its purpose; a store that must stay bounded for
 * huge rows runs without it (the series store works the same either way). Unlike Cortex there is no
 * memcached/redis tier and no snappy-protobuf value format: entries live in a Caffeine cache
 * bounded by {@link IndexCacheConfig#maxBytes()}, one per wrapped client, and the cardinality limit
 * is one number, not per tenant. Thread-safe.
 */
public final class CachingIndexClient implements IndexClient {
    /** Delivered pages hold at most this many entries. */
    static final int PAGE_SIZE = 1024;

    private static final int ENTRY_OVERHEAD = 32;

    private final IndexClient delegate;
    private final IndexCacheConfig config;
    private final Cache<String, CachedRow> rows;
    private final AtomicLong backendRowReads = new AtomicLong();

    /** Wraps {@code delegate} with the system ticker. */
    public CachingIndexClient(IndexClient delegate, IndexCacheConfig config) {
        this(delegate, config, Ticker.systemTicker());
    }

    /** Wraps {@code delegate}; {@code ticker} measures expiry (tests pass a manual one). */
    public CachingIndexClient(IndexClient delegate, IndexCacheConfig config, Ticker ticker) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.config = Objects.requireNonNull(config, "config");
        long validityNanos = config.validity().toNanos();
        this.rows =
                Caffeine.newBuilder()
                        .ticker(ticker)
                        .maximumWeight(config.maxBytes())
                        .weigher(
                                (String k, CachedRow r) ->
                                        (int) Math.min(Integer.MAX_VALUE, r.weight() + k.length()))
                        .expireAfter(
                                new Expiry<String, CachedRow>() {
                                    @Override
                                    public long expireAfterCreate(
                                            String key, CachedRow row, long currentTime) {
                                        return row.immutable ? Long.MAX_VALUE : validityNanos;
                                    }

                                    @Override
                                    public long expireAfterUpdate(
                                            String key,
                                            CachedRow row,
                                            long currentTime,
                                            long currentDuration) {
                                        return expireAfterCreate(key, row, currentTime);
                                    }

                                    @Override
                                    public long expireAfterRead(
                                            String key,
                                            CachedRow row,
                                            long currentTime,
                                            long currentDuration) {
                                        return currentDuration;
                                    }
                                })
                        .build();
    }

    /** The wrapped client. */
    public IndexClient delegate() {
        return delegate;
    }

    public IndexCacheConfig config() {
        return config;
    }

    /**
     * How many rows were read from the backend so far (cache misses), for tests and diagnostics.
     */
    public long backendRowReads() {
        return backendRowReads.get();
    }

    /** Rows currently cached (approximate). */
    public long cachedRows() {
        return rows.estimatedSize();
    }

    /** Runs pending evictions and expirations now (they otherwise run in the background). */
    public void cleanUp() {
        rows.cleanUp();
    }

    /** Drops every cached row. */
    public void invalidateAll() {
        rows.invalidateAll();
    }

    @Override
    public WriteBatch newWriteBatch() {
        return delegate.newWriteBatch();
    }

    @Override
    public void batchWrite(WriteBatch batch) {
        delegate.batchWrite(batch);
    }

    /** Scans read the backend, never the cache (a scan is not a query). */
    @Override
    public void scan(String tableName, String hashPrefix, IndexScan consumer) {
        delegate.scan(tableName, hashPrefix, consumer);
    }

    @Override
    public IndexScan.Mode scanMode() {
        return delegate.scanMode();
    }

    /**
     * Cached rows are answered from memory; the missing rows are read from the backend in one
     * asynchronous call (whole rows, to be cached), then answered. A row over the cardinality limit
     * is answered by nothing and the call fails with {@link CardinalityExceededException} once the
     * others were delivered.
     */
    @Override
    public CompletionStage<Void> queryPagesAsync(
            List<IndexQuery> queries, AsyncPageConsumer consumer) {
        Map<String, List<IndexQuery>> byRow = new LinkedHashMap<>();
        for (IndexQuery q : queries) {
            byRow.computeIfAbsent(rowKey(q), k -> new ArrayList<>(1)).add(q);
        }
        Map<String, CachedRow> hits = new HashMap<>();
        List<IndexQuery> hitQueries = new ArrayList<>();
        CardinalityExceededException exceeded = null;
        Map<String, List<IndexQuery>> misses = new LinkedHashMap<>();
        for (Map.Entry<String, List<IndexQuery>> e : byRow.entrySet()) {
            CachedRow row = rows.getIfPresent(e.getKey());
            if (row == null) {
                misses.put(e.getKey(), e.getValue());
                continue;
            }
            CardinalityExceededException err = check(row);
            if (err != null) {
                exceeded = exceeded == null ? err : exceeded;
                continue;
            }
            hits.put(e.getKey(), row);
            hitQueries.addAll(e.getValue());
        }
        CompletableFuture<Void> fromCache = deliver(hits, hitQueries, consumer);
        CompletableFuture<CardinalityExceededException> fromBackend =
                misses.isEmpty()
                        ? CompletableFuture.completedFuture(null)
                        : readMisses(misses, consumer);
        CardinalityExceededException cachedExceeded = exceeded;
        return fromCache
                .handle((ignored, error) -> error)
                .thenCombine(
                        fromBackend.handle((err, error) -> error != null ? error : (Throwable) err),
                        (cacheError, backendError) -> {
                            Throwable first =
                                    cacheError != null
                                            ? cacheError
                                            : cachedExceeded != null
                                                    ? cachedExceeded
                                                    : backendError;
                            if (first != null) {
                                throw new CompletionException(AsyncQueries.unwrap(first));
                            }
                            return null;
                        });
    }

    /**
     * Reads the missing rows whole from the backend, caches them and answers their queries; the
     * stage holds the first row over the cardinality limit, if any.
     */
    private CompletableFuture<CardinalityExceededException> readMisses(
            Map<String, List<IndexQuery>> misses, AsyncPageConsumer consumer) {
        List<IndexQuery> broad = new ArrayList<>(misses.size());
        Map<IndexQuery, RowBuilder> builders = new LinkedHashMap<>();
        for (List<IndexQuery> qs : misses.values()) {
            IndexQuery whole = qs.get(0).wholeRow();
            broad.add(whole);
            builders.put(whole, new RowBuilder(qs.get(0).immutable()));
        }
        backendRowReads.addAndGet(broad.size());
        return delegate.queryPagesAsync(
                        broad,
                        (q, page) -> {
                            RowBuilder b = builders.get(q);
                            synchronized (b) {
                                ReadBatch.ReadBatchIterator it = page.iterator();
                                while (it.next()) {
                                    b.add(it.rangeValue(), it.value());
                                }
                            }
                            return AsyncPageConsumer.MORE;
                        })
                .toCompletableFuture()
                .thenCompose(
                        ignored -> {
                            CardinalityExceededException exceeded = null;
                            Map<String, CachedRow> read = new HashMap<>();
                            List<IndexQuery> answered = new ArrayList<>();
                            int i = 0;
                            for (Map.Entry<String, List<IndexQuery>> e : misses.entrySet()) {
                                RowBuilder b = builders.get(broad.get(i++));
                                CachedRow row;
                                synchronized (b) {
                                    row = b.build(config.cardinalityLimit());
                                }
                                rows.put(e.getKey(), row);
                                CardinalityExceededException err = check(row);
                                if (err != null) {
                                    exceeded = exceeded == null ? err : exceeded;
                                } else {
                                    read.put(e.getKey(), row);
                                    answered.addAll(e.getValue());
                                }
                            }
                            CardinalityExceededException first = exceeded;
                            return deliver(read, answered, consumer).thenApply(v -> first);
                        });
    }

    private CardinalityExceededException check(CachedRow row) {
        int limit = config.cardinalityLimit();
        if (limit > 0 && row.cardinality > limit) {
            return new CardinalityExceededException(row.cardinality, limit);
        }
        return null;
    }

    /**
     * Answers each query from its row, in pages, honouring early stop and back-pressure per query:
     * one query after the other, on the thread that calls or completes the consumer's stage.
     */
    private static CompletableFuture<Void> deliver(
            Map<String, CachedRow> rows, List<IndexQuery> queries, AsyncPageConsumer consumer) {
        if (queries.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return SyncPageLoop.run(
                        queries,
                        1,
                        Runnable::run,
                        q -> new RowPages(rows.get(rowKey(q)), q),
                        consumer)
                .toCompletableFuture();
    }

    /** The pages of one query answered from a cached row. */
    private static final class RowPages implements SyncPageLoop.PageSource {
        private final CachedRow row;
        private final IndexQuery q;
        private int i;

        RowPages(CachedRow row, IndexQuery q) {
            this.row = row;
            this.q = q;
        }

        @Override
        public ReadBatch next() {
            ReadBatch.Builder page = new ReadBatch.Builder();
            for (; i < row.ranges.size() && page.size() < PAGE_SIZE; i++) {
                byte[] range = row.ranges.get(i);
                byte[] value = row.values.get(i);
                if (q.matches(range, value)) {
                    page.add(range, value);
                }
            }
            return page.isEmpty() ? null : page.build();
        }

        @Override
        public void close() {}
    }

    private static String rowKey(IndexQuery q) {
        return q.tableName() + '\u00ff' + q.hashValue();
    }

    /** Leaves the delegate open: whoever opened it closes it. Drops the cached rows. */
    @Override
    public void close() {
        rows.invalidateAll();
    }

    /** One cached row; with {@code cardinality} over the limit it keeps no entries. */
    private record CachedRow(
            List<byte[]> ranges,
            List<byte[]> values,
            int cardinality,
            boolean immutable,
            long weight) {}

    private static final class RowBuilder {
        private final boolean immutable;
        private final List<byte[]> ranges = new ArrayList<>();
        private final List<byte[]> values = new ArrayList<>();
        private long weight;

        RowBuilder(boolean immutable) {
            this.immutable = immutable;
        }

        void add(byte[] range, byte[] value) {
            ranges.add(range);
            values.add(value);
            weight += range.length + value.length + ENTRY_OVERHEAD;
        }

        CachedRow build(int limit) {
            if (limit > 0 && ranges.size() > limit) {
                return new CachedRow(
                        List.of(), List.of(), ranges.size(), immutable, ENTRY_OVERHEAD);
            }
            return new CachedRow(
                    List.copyOf(ranges),
                    List.copyOf(values),
                    ranges.size(),
                    immutable,
                    weight + ENTRY_OVERHEAD);
        }
    }
}
