package io.chunkstore.core.testing;

import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexScan;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.TableStatus;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.memory.InMemoryBackend;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SPI's reference {@link InMemoryBackend} as core's unit tests want it: index tables spring
 * into existence on first write (a query of a missing one finds nothing) unless {@link
 * #strictTables} is set, pages of 100 entries so paging is exercised by small data, and counts of
 * the calls for assertions.
 */
public final class MemoryBackend implements StorageBackend, IndexClient, ChunkClient, TableClient {
    public static final int PAGE_SIZE = 100;

    private final InMemoryBackend store;

    /**
     * When set, writes and queries of a missing index table fail with {@link
     * TableNotFoundException}.
     */
    public volatile boolean strictTables;

    public final AtomicInteger batchWrites = new AtomicInteger();
    public final AtomicInteger putChunkCalls = new AtomicInteger();
    public final AtomicInteger getChunkCalls = new AtomicInteger();
    public final AtomicInteger queries = new AtomicInteger();

    public MemoryBackend() {
        this("memory");
    }

    public MemoryBackend(String name) {
        this.store = new InMemoryBackend(name, PAGE_SIZE, true);
    }

    @Override
    public String storeName() {
        return store.storeName();
    }

    @Override
    public Capabilities capabilities() {
        return store.capabilities();
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
    public void batchWrite(WriteBatch batch) {
        batchWrites.incrementAndGet();
        if (strictTables) {
            batch.puts().stream().map(IndexEntry::tableName).forEach(this::requireTable);
            batch.deletes().stream().map(IndexEntry::tableName).forEach(this::requireTable);
        }
        store.batchWrite(batch);
    }

    @Override
    public CompletionStage<Void> queryPagesAsync(List<IndexQuery> qs, AsyncPageConsumer consumer) {
        queries.addAndGet(qs.size());
        if (strictTables) {
            try {
                qs.stream().map(IndexQuery::tableName).forEach(this::requireTable);
            } catch (TableNotFoundException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return store.queryPagesAsync(qs, consumer);
    }

    private void requireTable(String table) {
        if (!store.listTables().contains(table)) {
            throw new TableNotFoundException(table);
        }
    }

    @Override
    public void scan(String tableName, String hashPrefix, IndexScan consumer) {
        store.scan(tableName, hashPrefix, consumer);
    }

    @Override
    public IndexScan.Mode scanMode() {
        return store.scanMode();
    }

    public int cellCount(String table) {
        return store.cellCount(table);
    }

    public int totalCells() {
        return store.totalCells();
    }

    // ---- chunks

    @Override
    public void putChunks(List<EncodedChunk> list) {
        putChunkCalls.incrementAndGet();
        store.putChunks(list);
    }

    @Override
    public List<EncodedChunk> getChunks(List<ChunkLocation> locations) {
        getChunkCalls.incrementAndGet();
        return store.getChunks(locations);
    }

    @Override
    public void deleteChunk(ChunkLocation chunk) {
        store.deleteChunk(chunk);
    }

    public int chunkCount() {
        return store.chunkCount();
    }

    public byte[] storedChunk(ChunkLocation l) {
        return store.storedChunk(l);
    }

    /** Overwrites stored chunk bytes (corruption tests). */
    public void corrupt(ChunkLocation l, byte[] bytes) {
        store.overwriteStoredChunk(l, bytes);
    }

    public Set<ChunkLocation> chunkLocations() {
        return store.chunkLocations();
    }

    // ---- tables

    @Override
    public List<String> listTables() {
        return store.listTables();
    }

    @Override
    public void createTable(TableDesc desc) {
        store.createTable(desc);
    }

    @Override
    public void deleteTable(String table) {
        store.deleteTable(table);
    }

    @Override
    public TableStatus describeTable(String table) {
        return store.describeTable(table);
    }

    @Override
    public void updateTable(TableDesc current, TableDesc expected) {
        store.updateTable(current, expected);
    }

    @Override
    public void close() {
        store.close();
    }
}
