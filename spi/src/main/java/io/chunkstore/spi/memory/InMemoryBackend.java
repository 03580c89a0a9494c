package io.chunkstore.spi.memory;

import io.chunkstore.spi.AsyncPageConsumer;
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
import io.chunkstore.spi.IndexScan;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.TableStatus;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.DaemonThreads;
import io.chunkstore.spi.support.SyncPageLoop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The reference semantics of the SPI in a few maps (Cortex's {@code MockStorage}, without its
 * quirks): for unit tests of the layers above the store, and certified by the conformance suite
 * like every backend. Not a backend users run: nothing is persisted, and no provider opens it by
 * store name. Index tables must be created first (unless it was made to create them on write);
 * chunk tables need not exist. Thread-safe: the queries of a call run on up to {@link
 * #QUERY_PARALLELISM} threads, and each streams its row lazily in pages of at most {@link
 * #pageSize()} entries (weakly consistent with concurrent writes), so streaming and early stop are
 * exercised.
 *
 * <p>It lives in the SPI module so that every module's tests use the same one: core's tests below
 * the conformance module and the conformance suite above it.
 */
public final class InMemoryBackend
        implements StorageBackend, IndexClient, ChunkClient, TableClient {
    public static final int DEFAULT_PAGE_SIZE = 1000;
    public static final int QUERY_PARALLELISM = 8;

    /** table -> hash -> range (unsigned order) -> value. */
    private final Map<String, Map<String, NavigableMap<byte[], byte[]>>> tables =
            new ConcurrentHashMap<>();

    private final Map<String, TableDesc> descs = new ConcurrentHashMap<>();
    private final Map<ChunkLocation, byte[]> chunks = new ConcurrentHashMap<>();
    private final ExecutorService queryPool;
    private final String storeName;
    private final int pageSize;
    private final boolean createTablesOnWrite;
    private final Capabilities capabilities;

    /**
     * Store name {@code inmemory}, pages of {@value #DEFAULT_PAGE_SIZE}, missing index tables are
     * errors.
     */
    public InMemoryBackend() {
        this("inmemory", DEFAULT_PAGE_SIZE, false);
    }

    /**
     * @param storeName the name it reports
     * @param pageSize entries per page of a query
     * @param createTablesOnWrite a write to a missing index table creates it, and a query of a
     *     missing table finds nothing (as a store whose tables a table manager already made);
     *     otherwise both are {@link TableNotFoundException}s
     */
    public InMemoryBackend(String storeName, int pageSize, boolean createTablesOnWrite) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1, got " + pageSize);
        }
        this.storeName = storeName;
        this.pageSize = pageSize;
        this.createTablesOnWrite = createTablesOnWrite;
        this.capabilities =
                createTablesOnWrite
                        ? Capabilities.of(
                                Feature.INDEX,
                                Feature.CHUNKS,
                                Feature.TABLES,
                                Feature.CHUNK_DELETE,
                                Feature.INDEX_SCAN)
                        : Capabilities.of(
                                Feature.INDEX,
                                Feature.CHUNKS,
                                Feature.TABLES,
                                Feature.MISSING_TABLE_ERRORS,
                                Feature.CHUNK_DELETE,
                                Feature.INDEX_SCAN);
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(
                        QUERY_PARALLELISM - 1,
                        QUERY_PARALLELISM - 1,
                        10,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(),
                        DaemonThreads.named("inmemory-query"));
        pool.allowCoreThreadTimeOut(true);
        this.queryPool = pool;
    }

    @Override
    public String storeName() {
        return storeName;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
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

    /** Checks (or creates) every table first, so a batch naming a missing table writes nothing. */
    @Override
    public synchronized void batchWrite(WriteBatch batch) {
        for (IndexEntry e : batch.puts()) {
            writableTable(e.tableName());
        }
        for (IndexEntry e : batch.deletes()) {
            writableTable(e.tableName());
        }
        for (IndexEntry e : batch.puts()) {
            table(e.tableName())
                    .computeIfAbsent(
                            e.hashValue(),
                            h -> new ConcurrentSkipListMap<>(Arrays::compareUnsigned))
                    .put(e.rangeValue().clone(), e.value().clone());
        }
        for (IndexEntry e : batch.deletes()) {
            NavigableMap<byte[], byte[]> row = table(e.tableName()).get(e.hashValue());
            if (row != null) {
                row.remove(e.rangeValue());
            }
        }
    }

    private void writableTable(String name) {
        if (createTablesOnWrite && !tables.containsKey(name)) {
            createTable(TableDesc.named(name));
        }
        table(name);
    }

    private Map<String, NavigableMap<byte[], byte[]>> table(String name) {
        Map<String, NavigableMap<byte[], byte[]>> t = tables.get(name);
        if (t == null) {
            throw new TableNotFoundException(name);
        }
        return t;
    }

    /**
     * Pages of {@link #pageSize()} entries read lazily from the row's map; the first query runs on
     * the calling thread, the others on the query pool (see {@link SyncPageLoop}).
     */
    @Override
    public CompletionStage<Void> queryPagesAsync(
            List<IndexQuery> queries, AsyncPageConsumer consumer) {
        return SyncPageLoop.run(queries, QUERY_PARALLELISM, queryPool, this::open, consumer);
    }

    private SyncPageLoop.PageSource open(IndexQuery q) {
        if (createTablesOnWrite && !tables.containsKey(q.tableName())) {
            return EMPTY;
        }
        NavigableMap<byte[], byte[]> row = table(q.tableName()).get(q.hashValue());
        if (row == null) {
            return EMPTY;
        }
        NavigableMap<byte[], byte[]> range = row;
        if (q.hasPrefix()) {
            byte[] end = Bytes.nextPrefix(q.rangeValuePrefix());
            range =
                    end == null
                            ? row.tailMap(q.rangeValuePrefix(), true)
                            : row.subMap(q.rangeValuePrefix(), true, end, false);
        } else if (q.hasStart()) {
            range = row.tailMap(q.rangeValueStart(), true);
        }
        Iterator<Map.Entry<byte[], byte[]>> entries = range.entrySet().iterator();
        return new SyncPageLoop.PageSource() {
            @Override
            public ReadBatch next() {
                ReadBatch.Builder page = new ReadBatch.Builder();
                while (page.size() < pageSize && entries.hasNext()) {
                    Map.Entry<byte[], byte[]> e = entries.next();
                    if (q.matchesValue(e.getValue())) {
                        page.add(e.getKey(), e.getValue());
                    }
                }
                return page.isEmpty() ? null : page.build();
            }

            @Override
            public void close() {}
        };
    }

    private static final SyncPageLoop.PageSource EMPTY =
            new SyncPageLoop.PageSource() {
                @Override
                public ReadBatch next() {
                    return null;
                }

                @Override
                public void close() {}
            };

    /**
     * Rows in hash-value order (the rows of a table are sorted for the scan), pages of {@link
     * #pageSize()} entries.
     */
    @Override
    public void scan(String tableName, String hashPrefix, IndexScan consumer) {
        if (createTablesOnWrite && !tables.containsKey(tableName)) {
            return;
        }
        Map<String, NavigableMap<byte[], byte[]>> t = table(tableName);
        List<String> hashes = new ArrayList<>();
        for (String h : t.keySet()) {
            if (h.startsWith(hashPrefix)) {
                hashes.add(h);
            }
        }
        Collections.sort(hashes);
        List<IndexEntry> page = new ArrayList<>();
        for (String h : hashes) {
            NavigableMap<byte[], byte[]> row = t.get(h);
            if (row == null) {
                continue;
            }
            for (Map.Entry<byte[], byte[]> e : row.entrySet()) {
                page.add(new IndexEntry(tableName, h, e.getKey().clone(), e.getValue().clone()));
                if (page.size() == pageSize) {
                    if (!consumer.onPage(List.copyOf(page))) {
                        return;
                    }
                    page.clear();
                }
            }
        }
        if (!page.isEmpty()) {
            consumer.onPage(List.copyOf(page));
        }
    }

    @Override
    public IndexScan.Mode scanMode() {
        return IndexScan.Mode.PREFIX;
    }

    /** Entries per page of a query. */
    public int pageSize() {
        return pageSize;
    }

    /** The number of index entries in a table (0 when it does not exist), for assertions. */
    public int cellCount(String table) {
        Map<String, NavigableMap<byte[], byte[]>> t = tables.get(table);
        return t == null ? 0 : t.values().stream().mapToInt(Map::size).sum();
    }

    /** The number of index entries in all tables, for assertions. */
    public int totalCells() {
        return tables.values().stream().flatMap(t -> t.values().stream()).mapToInt(Map::size).sum();
    }

    // ---- chunks

    @Override
    public void putChunks(List<EncodedChunk> list) {
        for (EncodedChunk c : list) {
            chunks.put(c.location(), c.encoded().clone());
        }
    }

    @Override
    public List<EncodedChunk> getChunks(List<ChunkLocation> locations) {
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

    /** The number of stored chunks, for assertions. */
    public int chunkCount() {
        return chunks.size();
    }

    /** Where chunks are stored (a live view), for assertions. */
    public Set<ChunkLocation> chunkLocations() {
        return Collections.unmodifiableSet(chunks.keySet());
    }

    /** The stored bytes of a chunk, or null; for assertions. */
    public byte[] storedChunk(ChunkLocation location) {
        byte[] b = chunks.get(location);
        return b == null ? null : b.clone();
    }

    /** Overwrites a chunk's stored bytes, as a damaged disk would (corruption tests). */
    public void overwriteStoredChunk(ChunkLocation location, byte[] bytes) {
        chunks.put(location, bytes.clone());
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
    public synchronized void deleteTable(String name) {
        tables.remove(name);
        descs.remove(name);
    }

    @Override
    public TableStatus describeTable(String name) {
        TableDesc d = descs.get(name);
        if (d == null) {
            throw new TableNotFoundException(name);
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
        queryPool.shutdownNow();
    }
}
