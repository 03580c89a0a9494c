package io.chunkstore.loki.query;

import io.chunkstore.conformance.memory.InMemoryBackend;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodRange;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.schema.IndexSchema;
import io.chunkstore.core.schema.IndexSchemas;
import io.chunkstore.core.schema.ParsedRangeValue;
import io.chunkstore.core.schema.RangeValueParser;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.WriteBatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A chunk store for tests, until the series store lands: one in-memory backend per store name of a schema config,
 * chunks written under their period's key form with the v9+ index entries core's schemas generate, and the log
 * path's index reads (metric row, label rows, series-to-chunk rows) done with the same schemas.
 */
final class TestLogStore implements LogChunkSource {
    private final SchemaConfig config;
    private final Map<String, InMemoryBackend> backends = new ConcurrentHashMap<>();
    final AtomicInteger fetchCalls = new AtomicInteger();
    final AtomicInteger chunksFetched = new AtomicInteger();

    TestLogStore(SchemaConfig config) {
        this.config = config;
    }

    InMemoryBackend backend(String storeName) {
        return backends.computeIfAbsent(storeName, n -> new InMemoryBackend());
    }

    /** Stores a chunk and its index entries; returns the key it is stored under. */
    String put(ChunkCodec.Encoded e) {
        Chunk c = e.chunk();
        PeriodConfig p = config.periodFor(c.from());
        String key = e.externalKey(p.schema().number() >= 12 ? KeyFormat.V12 : KeyFormat.CURRENT);
        putBytes(c.from(), c.through(), key, e.bytes());
        index(c.userId(), c.labels(), c.from(), c.through(), key);
        return key;
    }

    /** Stores bytes under a key in the chunk store of the period of {@code fromMs} (the index is not touched). */
    void putBytes(long fromMs, String key, byte[] bytes) {
        putBytes(fromMs, fromMs, key, bytes);
    }

    /**
     * Stores bytes under a key in the chunk store of every period {@code [fromMs, throughMs]} touches, as Cortex's
     * composite store puts a chunk through every period store it overlaps.
     */
    void putBytes(long fromMs, long throughMs, String key, byte[] bytes) {
        for (PeriodRange r : config.split(fromMs, throughMs)) {
            backend(r.period().objectStore()).putChunks(List.of(new EncodedChunk(key, config.chunkTableFor(fromMs),
                    bytes)));
        }
    }

    /** Writes the index entries of a chunk (labels with __name__). */
    void index(String user, Labels labels, long from, long through, String key) {
        for (PeriodRange r : config.split(from, through)) {
            IndexSchema s = IndexSchemas.forPeriod(r.period());
            InMemoryBackend b = backend(r.period().store());
            WriteBatch batch = b.newWriteBatch();
            for (IndexEntry ie : s.writeEntries(r.fromMs(), r.throughMs(), user, labels, key)) {
                if (!b.listTables().contains(ie.tableName())) {
                    b.createTable(TableDesc.named(ie.tableName()));
                }
                batch.add(ie);
            }
            b.batchWrite(batch);
        }
    }

    @Override
    public List<LogChunkRef> chunkRefs(String userId, long fromMs, long throughMs, List<LabelMatcher> matchers) {
        Map<String, LogChunkRef> out = new LinkedHashMap<>();
        for (PeriodRange r : config.split(fromMs, throughMs)) {
            IndexSchema s = IndexSchemas.forPeriod(r.period());
            InMemoryBackend b = backend(r.period().store());
            Set<String> series = new TreeSet<>();
            for (IndexEntry e : read(b, s.readQueriesForMetric(r.fromMs(), r.throughMs(), userId, "logs"))) {
                series.add(RangeValueParser.parseChunkTimeRangeValue(e.rangeValue(), e.value()).id());
            }
            for (LabelMatcher m : matchers) {
                if (m.name().equals(Labels.METRIC_NAME)) {
                    continue;
                }
                Map<String, String> values = new HashMap<>();
                for (IndexEntry e : read(b, s.readQueriesForMetricLabel(r.fromMs(), r.throughMs(), userId, "logs",
                        m.name()))) {
                    ParsedRangeValue v = RangeValueParser.parseChunkTimeRangeValue(e.rangeValue(), e.value());
                    values.put(v.id(), v.labelValue());
                }
                series.removeIf(id -> !m.matches(values.getOrDefault(id, "")));
            }
            for (String id : series) {
                for (IndexEntry e : read(b, s.chunksForSeries(r.fromMs(), r.throughMs(), userId, id))) {
                    String key = RangeValueParser.parseChunkTimeRangeValue(e.rangeValue(), e.value()).id();
                    ChunkRef ref = ChunkRef.parse(userId, key);
                    if (ref.through() < fromMs || throughMs < ref.from()) {
                        continue;
                    }
                    out.putIfAbsent(key, new LogChunkRef(key, ref, r.period()));
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    private static List<IndexEntry> read(InMemoryBackend b, List<IndexQuery> queries) {
        List<IndexEntry> out = new ArrayList<>();
        for (IndexQuery q : queries) {
            try {
                b.queryPages(List.of(q), (query, page) -> {
                    ReadBatch.ReadBatchIterator it = page.iterator();
                    while (it.next()) {
                        out.add(new IndexEntry(q.tableName(), q.hashValue(), it.rangeValue(), it.value()));
                    }
                    return true;
                });
            } catch (TableNotFoundException e) {
                // No entries were written for that table.
            }
        }
        return out;
    }

    @Override
    public Fetched fetch(List<LogChunkRef> refs) {
        fetchCalls.incrementAndGet();
        Map<String, Chunk> chunks = new HashMap<>();
        Map<String, StorageException> failures = new HashMap<>();
        for (LogChunkRef r : refs) {
            PeriodConfig p = (PeriodConfig) r.handle();
            ChunkLocation loc = new ChunkLocation(r.externalKey(), config.chunkTableFor(r.from()));
            try {
                EncodedChunk ec = backend(p.objectStore()).getChunks(List.of(loc)).get(0);
                chunks.put(r.externalKey(), ChunkCodec.decode(r.ref(), ec.encoded()));
                chunksFetched.incrementAndGet();
            } catch (ChunkFetchException e) {
                failures.putAll(e.failures());
            } catch (InvalidChunkException e) {
                failures.put(r.externalKey(), e);
            }
        }
        return new Fetched(chunks, failures);
    }

    @Override
    public List<String> labelNames(String userId, long fromMs, long throughMs) {
        Set<String> names = new TreeSet<>();
        for (Labels l : allSeries(userId, fromMs, throughMs)) {
            l.forEach(x -> names.add(x.name()));
        }
        names.remove(Labels.METRIC_NAME);
        return List.copyOf(names);
    }

    @Override
    public List<String> labelValues(String userId, long fromMs, long throughMs, String labelName) {
        Set<String> values = new TreeSet<>();
        for (Labels l : allSeries(userId, fromMs, throughMs)) {
            if (l.has(labelName)) {
                values.add(l.get(labelName));
            }
        }
        return List.copyOf(values);
    }

    private List<Labels> allSeries(String userId, long fromMs, long throughMs) {
        Map<String, Labels> out = new TreeMap<>();
        List<LogChunkRef> refs = chunkRefs(userId, fromMs, throughMs,
                List.of(LabelMatcher.equal(Labels.METRIC_NAME, LokiChunk.METRIC_NAME_VALUE)));
        for (Chunk c : fetch(refs).chunks().values()) {
            out.put(c.labels().toString(), c.labels());
        }
        return List.copyOf(out.values());
    }
}
