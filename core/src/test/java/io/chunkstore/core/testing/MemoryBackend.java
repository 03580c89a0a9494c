package io.chunkstore.core.testing;

import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.TableStatus;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.ParallelQueries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test backend for core's unit tests (core cannot use the conformance module's InMemoryBackend: that module
 * depends on core). The SPI's semantics in maps: unsigned range order, prefix/start/value-equal, pages of
 * {@link #pageSize} entries, queries run in parallel like a real backend, typed missing-chunk errors. Index tables
 * spring into existence on first write unless {@link #strictTables} is set. Counts calls for assertions.
 */
public final class MemoryBackend implements StorageBackend, IndexClient, ChunkClient, TableClient {
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "memory-backend");
        t.setDaemon(true);
        return t;
    });

    private final Map<String, Map<String, NavigableMap<byte[], byte[]>>> tables = new ConcurrentHashMap<>();
    private final Map<String, TableDesc> descs = new ConcurrentHashMap<>();
    private final Map<ChunkLocation, byte[]> chunks = new ConcurrentHashMap<>();
    public volatile int pageSize = 100;
    public volatile boolean strictTables;
    public final AtomicInteger batchWrites = new AtomicInteger();
    public final AtomicInteger putChunkCalls = new AtomicInteger();
    public final AtomicInteger getChunkCalls = new AtomicInteger();
    public final AtomicInteger queries = new AtomicInteger();
    private final String name;

    public MemoryBackend() {
        this("memory");
    }

    public MemoryBackend(String name) {
        this.name = name;
    }

    @Override
    public String storeName() {
        return name;
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.of(Feature.INDEX, Feature.CHUNKS, Feature.TABLES, Feature.CHUNK_DELETE);
    }

    @Override
    public IndexClient indexClient() {
        return this;
    }

    @Override
    public ChunkClient chunkClient() {
        return this;
    }

    @Override
    public TableClient tableClient() {
        return this;
    }

    // ---- index

    @Override
    public synchronized void batchWrite(WriteBatch batch) {
        batchWrites.incrementAndGet();
        for (IndexEntry e : batch.puts()) {
            table(e.tableName(), true).computeIfAbsent(e.hashValue(), h -> new TreeMap<>(Arrays::compareUnsigned))
                    .put(e.rangeValue().clone(), e.value().clone());
        }
        for (IndexEntry e : batch.deletes()) {
            NavigableMap<byte[], byte[]> row = table(e.tableName(), true).get(e.hashValue());
            if (row != null) {
                row.remove(e.rangeValue());
            }
        }
    }

    private Map<String, NavigableMap<byte[], byte[]>> table(String table, boolean create) {
        Map<String, NavigableMap<byte[], byte[]>> t = tables.get(table);
        if (t == null) {
            if (strictTables || !create) {
                throw new TableNotFoundException(table);
            }
            createTable(TableDesc.named(table));
            t = tables.get(table);
        }
        return t;
    }

    @Override
    public void queryPages(List<IndexQuery> qs, PageConsumer consumer) {
        ParallelQueries.run(qs, 4, POOL, this::query, consumer);
    }

    private void query(IndexQuery q, PageConsumer consumer) {
        queries.incrementAndGet();
        List<Map.Entry<byte[], byte[]>> matches = new ArrayList<>();
        synchronized (this) {
            Map<String, NavigableMap<byte[], byte[]>> t = tables.get(q.tableName());
            if (t == null) {
                if (strictTables) {
                    throw new TableNotFoundException(q.tableName());
                }
                return;
            }
            NavigableMap<byte[], byte[]> row = t.get(q.hashValue());
            if (row == null) {
                return;
            }
            NavigableMap<byte[], byte[]> range = row;
            if (q.hasPrefix()) {
                byte[] end = Bytes.nextPrefix(q.rangeValuePrefix());
                range = end == null ? row.tailMap(q.rangeValuePrefix(), true)
                        : row.subMap(q.rangeValuePrefix(), true, end, false);
            } else if (q.hasStart()) {
                range = row.tailMap(q.rangeValueStart(), true);
            }
            for (Map.Entry<byte[], byte[]> e : range.entrySet()) {
                if (q.matchesValue(e.getValue())) {
                    matches.add(Map.entry(e.getKey(), e.getValue()));
                }
            }
        }
        ReadBatch.Builder page = new ReadBatch.Builder();
        for (Map.Entry<byte[], byte[]> e : matches) {
            page.add(e.getKey(), e.getValue());
            if (page.size() == pageSize) {
                if (!consumer.onPage(q, page.build())) {
                    return;
                }
                page = new ReadBatch.Builder();
            }
        }
        if (!page.isEmpty()) {
            consumer.onPage(q, page.build());
        }
    }

    /** Every cell of a table, for assertions: hash value to range values (hex) to value. */
    public synchronized int cellCount(String table) {
        Map<String, NavigableMap<byte[], byte[]>> t = tables.get(table);
        return t == null ? 0 : t.values().stream().mapToInt(Map::size).sum();
    }

    public synchronized int totalCells() {
        return tables.values().stream().flatMap(t -> t.values().stream()).mapToInt(Map::size).sum();
    }

    // ---- chunks

    @Override
    public void putChunks(List<EncodedChunk> list) {
        putChunkCalls.incrementAndGet();
        for (EncodedChunk c : list) {
            chunks.put(c.location(), c.encoded().clone());
        }
    }

    @Override
    public List<EncodedChunk> getChunks(List<ChunkLocation> locations) {
        getChunkCalls.incrementAndGet();
        List<EncodedChunk> found = new ArrayList<>();
        Map<String, StorageException> failures = new LinkedHashMap<>();
        for (ChunkLocation l : locations) {
            byte[] b = chunks.get(l);
            if (b == null) {
                failures.put(l.key(), new ChunkNotFoundException(l.key()));
            } else {
                found.add(new EncodedChunk(l.key(), l.tableName(), b.clone()));
            }
        }
        if (!failures.isEmpty()) {
            throw new ChunkFetchException(found, failures);
        }
        return found;
    }

    @Override
    public void deleteChunk(ChunkLocation chunk) {
        chunks.remove(chunk);
    }

    public int chunkCount() {
        return chunks.size();
    }

    public byte[] storedChunk(ChunkLocation l) {
        return chunks.get(l);
    }

    /** Overwrites stored chunk bytes (corruption tests). */
    public void corrupt(ChunkLocation l, byte[] bytes) {
        chunks.put(l, bytes);
    }

    public java.util.Set<ChunkLocation> chunkLocations() {
        return chunks.keySet();
    }

    // ---- tables

    @Override
    public List<String> listTables() {
        return descs.keySet().stream().sorted().toList();
    }

    @Override
    public synchronized void createTable(TableDesc desc) {
        tables.putIfAbsent(desc.name(), new ConcurrentHashMap<>());
        descs.putIfAbsent(desc.name(), desc);
    }

    @Override
    public synchronized void deleteTable(String table) {
        tables.remove(table);
        descs.remove(table);
    }

    @Override
    public TableStatus describeTable(String table) {
        TableDesc d = descs.get(table);
        if (d == null) {
            throw new TableNotFoundException(table);
        }
        return new TableStatus(d, true);
    }

    @Override
    public void updateTable(TableDesc current, TableDesc expected) {
        describeTable(current.name());
        descs.put(current.name(), expected);
    }

    @Override
    public void close() {
    }
}
