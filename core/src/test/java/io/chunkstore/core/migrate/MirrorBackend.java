package io.chunkstore.core.migrate;

import io.chunkstore.core.testing.MemoryBackend;
import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableStatus;
import io.chunkstore.spi.WriteBatch;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A {@link MemoryBackend} whose full contents can be snapshot (every index cell and every chunk, as
 * sorted strings) and whose writes are counted and can be made to fail: the migration tests compare
 * whole destinations and check that a source saw no write at all.
 */
final class MirrorBackend implements IndexClient, ChunkClient, TableClient {
    private static final HexFormat HEX = HexFormat.of();

    final MemoryBackend memory = new MemoryBackend();
    private final Map<String, String> cells = new ConcurrentHashMap<>();
    private final Map<String, String> chunks = new ConcurrentHashMap<>();
    final AtomicInteger indexWrites = new AtomicInteger();
    final AtomicInteger chunkWrites = new AtomicInteger();
    final AtomicInteger chunkPuts = new AtomicInteger();
    final AtomicInteger deletes = new AtomicInteger();
    final AtomicInteger tablesCreated = new AtomicInteger();
    final Map<String, AtomicInteger> putsPerKey = new ConcurrentHashMap<>();

    /**
     * Runs before each putChunks call; may throw to inject a failure (or an Error, to simulate a
     * crash).
     */
    volatile Consumer<List<EncodedChunk>> beforePutChunks = c -> {};

    /** Index writes silently lost (a broken destination, for verification tests). */
    volatile boolean loseIndexWrites;

    /** Changes chunk bytes on their way in (a broken destination, for verification tests). */
    volatile java.util.function.UnaryOperator<EncodedChunk> alterChunk = c -> c;

    /**
     * Every index cell ({@code table|hash|range hex -> value hex}) and chunk ({@code table|key ->
     * bytes hex}).
     */
    Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        cells.forEach((k, v) -> out.put("index " + k, v));
        chunks.forEach((k, v) -> out.put("chunk " + k, v));
        return out;
    }

    int chunkCount() {
        return chunks.size();
    }

    /** The chunk keys stored, without tables. */
    List<String> chunkKeys() {
        List<String> out = new ArrayList<>();
        chunks.keySet().forEach(k -> out.add(k.substring(k.indexOf('|') + 1)));
        out.sort(null);
        return out;
    }

    byte[] chunk(String table, String key) {
        return memory.storedChunk(new ChunkLocation(key, table));
    }

    @Override
    public void batchWrite(WriteBatch batch) {
        indexWrites.incrementAndGet();
        if (loseIndexWrites) {
            return;
        }
        memory.batchWrite(batch);
        for (IndexEntry e : batch.puts()) {
            cells.put(cell(e), HEX.formatHex(e.value()));
        }
        for (IndexEntry e : batch.deletes()) {
            deletes.incrementAndGet();
            cells.remove(cell(e));
        }
    }

    private static String cell(IndexEntry e) {
        return e.tableName() + "|" + e.hashValue() + "|" + HEX.formatHex(e.rangeValue());
    }

    @Override
    public CompletionStage<Void> queryPagesAsync(
            List<IndexQuery> queries, AsyncPageConsumer consumer) {
        return memory.queryPagesAsync(queries, consumer);
    }

    @Override
    public void putChunks(List<EncodedChunk> list) {
        beforePutChunks.accept(list);
        chunkWrites.incrementAndGet();
        list = list.stream().map(alterChunk).toList();
        memory.putChunks(list);
        for (EncodedChunk c : list) {
            chunkPuts.incrementAndGet();
            putsPerKey.computeIfAbsent(c.key(), k -> new AtomicInteger()).incrementAndGet();
            chunks.put(c.tableName() + "|" + c.key(), HEX.formatHex(c.encoded()));
        }
    }

    /**
     * Replaces a stored chunk's bytes behind the store's back (corruption), without counting a
     * write.
     */
    void corrupt(String table, String key, byte[] bytes) {
        memory.corrupt(new ChunkLocation(key, table), bytes);
        chunks.put(table + "|" + key, HEX.formatHex(bytes));
    }

    @Override
    public List<EncodedChunk> getChunks(List<ChunkLocation> locations) {
        return memory.getChunks(locations);
    }

    @Override
    public void deleteChunk(ChunkLocation chunk) {
        deletes.incrementAndGet();
        memory.deleteChunk(chunk);
        chunks.remove(chunk.tableName() + "|" + chunk.key());
    }

    @Override
    public List<String> listTables() {
        return memory.listTables();
    }

    @Override
    public void createTable(TableDesc desc) {
        tablesCreated.incrementAndGet();
        memory.createTable(desc);
    }

    @Override
    public void deleteTable(String name) {
        deletes.incrementAndGet();
        memory.deleteTable(name);
    }

    @Override
    public TableStatus describeTable(String name) {
        return memory.describeTable(name);
    }

    @Override
    public void updateTable(TableDesc current, TableDesc expected) {
        memory.updateTable(current, expected);
    }

    @Override
    public void close() {}
}
