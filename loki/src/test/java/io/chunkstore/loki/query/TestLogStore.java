package io.chunkstore.loki.query;

import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodRange;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.schema.IndexSchema;
import io.chunkstore.core.schema.IndexSchemas;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.FetchedChunks;
import io.chunkstore.core.store.PeriodClients;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.memory.InMemoryBackend;
import io.chunkstore.spi.support.DaemonThreads;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A chunk store for tests: core's series store (a {@link CompositeStore} over the schema config)
 * with one in-memory backend per store name, its index tables created up front. Chunks go in
 * through the store's write path (index entries and key forms as the series store writes them); raw
 * bytes and bare index entries can be planted for corruption tests. Reads go through {@link
 * StoreLogChunkSource}, counting fetches.
 */
final class TestLogStore implements LogChunkSource {
    private static final ExecutorService EXECUTOR =
            Executors.newCachedThreadPool(DaemonThreads.named("test-store"));

    private final SchemaConfig config;
    private final Map<String, InMemoryBackend> backends = new ConcurrentHashMap<>();
    private final CompositeStore store;
    private final StoreLogChunkSource source;
    final AtomicInteger fetchCalls = new AtomicInteger();
    final AtomicInteger chunksFetched = new AtomicInteger();

    TestLogStore(SchemaConfig config) {
        this.config = config;
        List<PeriodConfig> periods = config.periods();
        for (int i = 0; i < periods.size(); i++) {
            PeriodConfig p = periods.get(i);
            long until =
                    i + 1 < periods.size()
                            ? periods.get(i + 1).fromMs() - 1
                            : Instant.parse("2031-01-01T00:00:00Z").toEpochMilli();
            InMemoryBackend b = backend(p.store());
            for (String table : p.index().tablesFor(p.fromMs(), until)) {
                if (!b.listTables().contains(table)) {
                    b.createTable(TableDesc.named(table));
                }
            }
        }
        this.store =
                CompositeStore.builder(config)
                        .executor(EXECUTOR)
                        .clients(
                                p ->
                                        new PeriodClients(
                                                backend(p.store()), backend(p.objectStore())))
                        .build();
        this.source = new StoreLogChunkSource(store);
    }

    InMemoryBackend backend(String storeName) {
        return backends.computeIfAbsent(storeName, n -> new InMemoryBackend());
    }

    CompositeStore store() {
        return store;
    }

    /**
     * Stores a chunk and its index entries through the series store; returns the key it is stored
     * under.
     */
    String put(ChunkCodec.Encoded e) {
        store.put(List.of(e));
        return store.externalKey(e.chunk());
    }

    /**
     * Stores bytes under a key in the chunk store of the period of {@code fromMs}, replacing what
     * is there.
     */
    void putBytes(long fromMs, String key, byte[] bytes) {
        PeriodConfig p = config.periodFor(fromMs);
        backend(p.objectStore())
                .putChunks(List.of(new EncodedChunk(key, config.chunkTableFor(fromMs), bytes)));
    }

    /** Writes the index entries of a chunk (labels with __name__) without storing the chunk. */
    void index(String user, Labels labels, long from, long through, String key) {
        for (PeriodRange r : config.split(from, through)) {
            IndexSchema s = IndexSchemas.forPeriod(r.period());
            InMemoryBackend b = backend(r.period().store());
            WriteBatch batch = b.newWriteBatch();
            for (IndexEntry ie : s.writeEntries(r.fromMs(), r.throughMs(), user, labels, key)) {
                batch.add(ie);
            }
            b.batchWrite(batch);
        }
    }

    @Override
    public List<LogChunkRef> chunkRefs(
            String userId, long fromMs, long throughMs, List<LabelMatcher> matchers) {
        return source.chunkRefs(userId, fromMs, throughMs, matchers);
    }

    @Override
    public FetchedChunks fetch(List<LogChunkRef> refs) {
        fetchCalls.incrementAndGet();
        FetchedChunks f = source.fetch(refs);
        chunksFetched.addAndGet(f.chunks().size());
        return f;
    }

    @Override
    public List<String> labelNames(String userId, long fromMs, long throughMs) {
        return source.labelNames(userId, fromMs, throughMs);
    }

    @Override
    public List<String> labelValues(String userId, long fromMs, long throughMs, String labelName) {
        return source.labelValues(userId, fromMs, throughMs, labelName);
    }
}
