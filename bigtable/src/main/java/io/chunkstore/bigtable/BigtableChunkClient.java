package io.chunkstore.bigtable;

import static com.google.cloud.bigtable.data.v2.models.Filters.FILTERS;

import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.models.Filters;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowCell;
import com.google.cloud.bigtable.data.v2.models.RowMutation;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.ChunkWriteException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.support.Parallel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Chunks on Bigtable as Cortex keeps them in every Bigtable store: in the chunk table, row key =
 * external key, cell {@code f:c} at timestamp 0 = the encoded chunk. Reads ask for at most 100 rows
 * per ReadRows request, requests in parallel up to {@code chunk_get_concurrency}; a missing row is
 * a {@link ChunkNotFoundException}. Delete removes the cell {@code f:c} (and with it the row).
 */
final class BigtableChunkClient implements ChunkClient {
    private static final Filters.Filter CHUNK_CELL =
            FILTERS.chain()
                    .filter(
                            FILTERS.qualifier()
                                    .rangeWithinFamily(IndexLayout.FAMILY)
                                    .startClosed(IndexLayout.CHUNK_QUALIFIER)
                                    .endClosed(IndexLayout.CHUNK_QUALIFIER))
                    .filter(FILTERS.limit().cellsPerColumn(1));

    private final BigtableDataClient data;
    private final Executor executor;
    private final int concurrency;
    private final long maxChunkSize;

    BigtableChunkClient(
            BigtableDataClient data, Executor executor, int concurrency, long maxChunkSize) {
        this.data = data;
        this.executor = executor;
        this.concurrency = concurrency;
        this.maxChunkSize = maxChunkSize;
    }

    private static ByteString rowKey(String externalKey) {
        return ByteString.copyFrom(externalKey, StandardCharsets.UTF_8);
    }

    private static String requireTable(String key, String table) {
        if (table.isEmpty()) {
            throw new InvalidRequestException(
                    "chunk "
                            + key
                            + " names no chunk table; Bigtable keeps chunks in the"
                            + " table the schema config's chunks section gives for the chunk's start time");
        }
        return table;
    }

    @Override
    public void putChunks(List<EncodedChunk> chunks) {
        // table -> external key -> chunk (the last of duplicates wins, as its write would)
        Map<String, Map<String, EncodedChunk>> byTable = new LinkedHashMap<>();
        for (EncodedChunk c : chunks) {
            requireTable(c.key(), c.tableName());
            if (c.encoded().length > maxChunkSize) {
                throw new InvalidChunkException(
                        InvalidChunkException.Reason.TOO_LARGE,
                        c.key(),
                        c.encoded().length
                                + " bytes, more than the "
                                + maxChunkSize
                                + " bytes a Bigtable chunk cell may hold here;"
                                + " nothing of this put was written");
            }
            byTable.computeIfAbsent(c.tableName(), t -> new LinkedHashMap<>()).put(c.key(), c);
        }
        Map<String, StorageException> notWritten = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, EncodedChunk>> t : byTable.entrySet()) {
            BulkWriter<EncodedChunk> writer = new BulkWriter<>(data, t.getKey());
            for (EncodedChunk c : t.getValue().values()) {
                writer.set(
                        rowKey(c.key()),
                        IndexLayout.CHUNK_QUALIFIER,
                        IndexLayout.wrap(c.encoded()),
                        c);
            }
            for (BulkWriter.Failure<EncodedChunk> f : writer.write()) {
                StorageException e = BigtableErrors.map(f.error(), "writing chunks", t.getKey());
                f.items().forEach(c -> notWritten.putIfAbsent(c.key(), e));
            }
        }
        ChunkWriteException.check("putChunks to Bigtable", chunks, notWritten);
    }

    private record Batch(String table, List<String> keys) {}

    @Override
    public List<EncodedChunk> getChunks(List<ChunkLocation> chunks) {
        Map<String, LinkedHashSet<String>> byTable = new LinkedHashMap<>();
        for (ChunkLocation l : chunks) {
            byTable.computeIfAbsent(
                            requireTable(l.key(), l.tableName()), t -> new LinkedHashSet<>())
                    .add(l.key());
        }
        List<Batch> batches = new ArrayList<>();
        byTable.forEach(
                (table, keys) -> {
                    List<String> all = new ArrayList<>(keys);
                    for (int i = 0; i < all.size(); i += IndexReads.MAX_ROWS_PER_READ) {
                        batches.add(
                                new Batch(
                                        table,
                                        all.subList(
                                                i,
                                                Math.min(
                                                        all.size(),
                                                        i + IndexReads.MAX_ROWS_PER_READ))));
                    }
                });
        Map<ChunkLocation, EncodedChunk> found = new ConcurrentHashMap<>();
        Map<String, StorageException> failures = new ConcurrentHashMap<>();
        Parallel.forEach(batches, concurrency, executor, b -> read(b, found, failures));
        List<EncodedChunk> out = new ArrayList<>(found.values());
        for (Map.Entry<String, LinkedHashSet<String>> t : byTable.entrySet()) {
            for (String key : t.getValue()) {
                if (!found.containsKey(new ChunkLocation(key, t.getKey()))) {
                    failures.putIfAbsent(key, new ChunkNotFoundException(key));
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new ChunkFetchException(out, failures);
        }
        return out;
    }

    private void read(
            Batch b,
            Map<ChunkLocation, EncodedChunk> found,
            Map<String, StorageException> failures) {
        Query query = Query.create(TableId.of(b.table())).filter(CHUNK_CELL);
        b.keys().forEach(k -> query.rowKey(rowKey(k)));
        try {
            for (Row row : data.readRows(query)) {
                String key = row.getKey().toStringUtf8();
                for (RowCell cell : row.getCells()) {
                    if (IndexLayout.FAMILY.equals(cell.getFamily())
                            && cell.getQualifier().equals(IndexLayout.CHUNK_QUALIFIER)) {
                        found.put(
                                new ChunkLocation(key, b.table()),
                                new EncodedChunk(key, b.table(), cell.getValue().toByteArray()));
                        break;
                    }
                }
            }
        } catch (RuntimeException e) {
            StorageException mapped = BigtableErrors.map(e, "reading chunks", b.table());
            for (String k : b.keys()) {
                if (!found.containsKey(new ChunkLocation(k, b.table()))) {
                    failures.put(k, mapped);
                }
            }
        }
    }

    @Override
    public void deleteChunk(ChunkLocation chunk) {
        String table = requireTable(chunk.key(), chunk.tableName());
        try {
            data.mutateRow(
                    RowMutation.create(TableId.of(table), rowKey(chunk.key()))
                            .deleteCells(IndexLayout.FAMILY, IndexLayout.CHUNK_QUALIFIER));
        } catch (RuntimeException e) {
            throw BigtableErrors.map(e, "deleting chunk " + chunk.key(), table);
        }
    }

    @Override
    public void close() {
        // The data client and the executor belong to the backend.
    }
}
