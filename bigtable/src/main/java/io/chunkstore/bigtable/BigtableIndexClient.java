package io.chunkstore.bigtable;

import static com.google.cloud.bigtable.data.v2.models.Filters.FILTERS;

import com.google.api.gax.rpc.ResponseObserver;
import com.google.api.gax.rpc.ServerStream;
import com.google.api.gax.rpc.StreamController;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Range.ByteStringRange;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowCell;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexScan;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.AsyncQueries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The index on Bigtable in one of Cortex's three layouts ({@link IndexLayout}).
 *
 * <p>Writes: per table, one MutateRows stream of {@code SetCell(f, qualifier, 0, value)} for every
 * put, then (after all puts succeeded) one of {@code DeleteFromColumn(f, qualifier)} for every
 * delete. A failed row entry is reported in an {@link IndexWriteException} with every put and
 * delete not known to be written.
 *
 * <p>Reads: conditions go to the server ({@link IndexReads}). In the {@code gcp} layout each query
 * is one ReadRows stream over its row range, entries collected into pages of at most {@code
 * pageCells} entries (and about 8 MiB). In the column-key layouts, queries with the same table and
 * conditions share ReadRows requests of up to 100 row keys; each row arrives as pages of at most
 * {@code pageCells} cells (the Java client assembles a row whole before handing it over, so a
 * longer row is continued by another request after its last qualifier), and every query gets its
 * own pages, even two equal queries in one call. Requests run in parallel up to {@code
 * query_concurrency}; pages are delivered on the worker threads of this client or the caller's
 * thread, never on a gRPC thread. A consumer that returns {@code false} ends that query's reading:
 * its stream is cancelled ({@code gcp}) or its row not continued (column-key).
 */
final class BigtableIndexClient implements IndexClient {
    /**
     * Entries per page: rows in the {@code gcp} layout, cells per row page in the column-key
     * layouts. Each page is one ReadRows request of a wide row, so this trades requests against
     * memory; 5,000 is also the Cassandra backend's page size.
     */
    static final int DEFAULT_PAGE_CELLS = 5000;

    /**
     * In the {@code gcp} layout a page also ends once its range values and values reach this many
     * bytes.
     */
    static final long MAX_GCP_PAGE_BYTES = 8L << 20;

    private final BigtableDataClient data;
    private final IndexLayout layout;
    private final int queryConcurrency;
    private final int pageCells;

    BigtableIndexClient(
            BigtableDataClient data, IndexLayout layout, int queryConcurrency, int pageCells) {
        if (pageCells < 1) {
            throw new IllegalArgumentException("page size must be at least 1");
        }
        this.data = data;
        this.layout = layout;
        this.queryConcurrency = queryConcurrency;
        this.pageCells = pageCells;
    }

    IndexLayout layout() {
        return layout;
    }

    // ---- writes

    @Override
    public void batchWrite(WriteBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        for (List<IndexEntry> entries : List.of(batch.puts(), batch.deletes())) {
            for (IndexEntry e : entries) {
                if (!layout.accepts(e.hashValue())) {
                    throw new InvalidRequestException(
                            "hash value "
                                    + e.hashValue().replace("\0", "\\0")
                                    + " contains a 0x00 byte, the separator of row keys in the gcp layout (hash ‖ 0x00 ‖"
                                    + " range); it cannot be stored there");
                }
            }
        }
        Phase puts = writePhase(batch.puts(), true);
        if (puts.failed()) {
            throw new IndexWriteException(
                    puts.describe("index puts") + "; the batch's deletes were not attempted",
                    puts.notWritten,
                    batch.deletes(),
                    puts.cause);
        }
        Phase deletes = writePhase(batch.deletes(), false);
        if (deletes.failed()) {
            throw new IndexWriteException(
                    deletes.describe("index deletes"),
                    List.of(),
                    deletes.notWritten,
                    deletes.cause);
        }
    }

    /** What one phase (puts or deletes) left unwritten. */
    private static final class Phase {
        final List<IndexEntry> notWritten = new ArrayList<>();
        final Set<String> tables = new TreeSet<>();
        int total;
        StorageException cause;

        boolean failed() {
            return !notWritten.isEmpty();
        }

        String describe(String what) {
            return "Bigtable: "
                    + notWritten.size()
                    + " of "
                    + total
                    + " "
                    + what
                    + " to table(s) "
                    + tables
                    + " were not written: "
                    + cause.getMessage();
        }
    }

    private record Cell(ByteString row, ByteString qualifier) {}

    private Phase writePhase(List<IndexEntry> entries, boolean put) {
        Phase phase = new Phase();
        phase.total = entries.size();
        if (entries.isEmpty()) {
            return phase;
        }
        // table -> cell -> the entries for it; a later put of the same cell wins, as in one
        // Bigtable mutation list.
        Map<String, Map<Cell, List<IndexEntry>>> byTable = new LinkedHashMap<>();
        for (IndexEntry e : entries) {
            Cell cell =
                    new Cell(
                            layout.rowKey(e.hashValue(), e.rangeValue()),
                            layout.qualifier(e.rangeValue()));
            byTable.computeIfAbsent(e.tableName(), t -> new LinkedHashMap<>())
                    .computeIfAbsent(cell, c -> new ArrayList<>(1))
                    .add(e);
        }
        for (Map.Entry<String, Map<Cell, List<IndexEntry>>> t : byTable.entrySet()) {
            BulkWriter<List<IndexEntry>> writer = new BulkWriter<>(data, t.getKey());
            for (Map.Entry<Cell, List<IndexEntry>> c : t.getValue().entrySet()) {
                List<IndexEntry> same = c.getValue();
                if (put) {
                    writer.set(
                            c.getKey().row(),
                            c.getKey().qualifier(),
                            IndexLayout.wrap(same.get(same.size() - 1).value()),
                            same);
                } else {
                    writer.delete(c.getKey().row(), c.getKey().qualifier(), same);
                }
            }
            List<BulkWriter.Failure<List<IndexEntry>>> failures;
            try {
                failures = writer.write();
            } catch (RuntimeException e) {
                failures =
                        List.of(
                                new BulkWriter.Failure<List<IndexEntry>>(
                                        List.copyOf(t.getValue().values()), e));
            }
            for (BulkWriter.Failure<List<IndexEntry>> f : failures) {
                f.items().forEach(phase.notWritten::addAll);
                phase.tables.add(t.getKey());
                if (phase.cause == null) {
                    phase.cause =
                            BigtableErrors.map(
                                    f.error(),
                                    put ? "writing index entries" : "deleting index entries",
                                    t.getKey());
                }
            }
        }
        return phase;
    }

    // ---- reads

    /**
     * Up to {@code query_concurrency} ReadRows streams at a time, read with manual flow control: a
     * row is requested only once the consumers of the pages before it have answered, so no thread
     * waits for a query and a deferring consumer holds the stream. In the column-key layouts
     * queries with the same table and conditions share requests of up to 100 rows.
     */
    @Override
    public CompletionStage<Void> queryPagesAsync(
            List<IndexQuery> queries, AsyncPageConsumer consumer) {
        if (queries.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<Supplier<CompletableFuture<Void>>> units = new ArrayList<>();
        if (layout == IndexLayout.GCP) {
            for (IndexQuery q : queries) {
                units.add(() -> readGcp(q, consumer));
            }
        } else {
            Map<String, Map<ByteString, List<IndexQuery>>> groups = new LinkedHashMap<>();
            Map<String, IndexQuery> conditions = new LinkedHashMap<>();
            for (IndexQuery q : queries) {
                String key = IndexReads.conditionsKey(q);
                conditions.putIfAbsent(key, q);
                groups.computeIfAbsent(key, k -> new LinkedHashMap<>())
                        .computeIfAbsent(
                                layout.rowKeyPrefix(q.hashValue()), r -> new ArrayList<>(1))
                        .add(q);
            }
            for (Map.Entry<String, Map<ByteString, List<IndexQuery>>> g : groups.entrySet()) {
                List<Map.Entry<ByteString, List<IndexQuery>>> rows =
                        new ArrayList<>(g.getValue().entrySet());
                for (int i = 0; i < rows.size(); i += IndexReads.MAX_ROWS_PER_READ) {
                    Map<ByteString, List<IndexQuery>> part = new LinkedHashMap<>();
                    rows.subList(i, Math.min(rows.size(), i + IndexReads.MAX_ROWS_PER_READ))
                            .forEach(e -> part.put(e.getKey(), e.getValue()));
                    IndexQuery c = conditions.get(g.getKey());
                    units.add(() -> readColumnKey(c, part, consumer));
                }
            }
        }
        return AsyncQueries.run(units, queryConcurrency, Supplier::get);
    }

    /** What a {@link RowStream} does with its rows. */
    private interface RowHandler {
        /** Handles one row; the next is requested when the stage completes with true. */
        CompletionStage<Boolean> onRow(Row row);

        /** The stream ended; the stage completes when what is left was handled. */
        CompletionStage<Void> onEnd();
    }

    /**
     * One ReadRows stream read with manual flow control: one row requested at a time, the next once
     * the handler's stage for the last completed with true; false cancels the stream.
     */
    private final class RowStream implements ResponseObserver<Row> {
        private final String table;
        private final RowHandler handler;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile StreamController controller;
        private volatile boolean cancelled;

        /** Completes once the handler's stage of the last row delivered has completed. */
        private volatile CompletableFuture<Void> lastRow = CompletableFuture.completedFuture(null);

        RowStream(String table, RowHandler handler) {
            this.table = table;
            this.handler = handler;
        }

        CompletableFuture<Void> start(Query query) {
            try {
                data.readRowsAsync(query, this);
            } catch (RuntimeException e) {
                done.completeExceptionally(BigtableErrors.map(e, "reading index rows", table));
            }
            return done;
        }

        @Override
        public void onStart(StreamController c) {
            c.disableAutoInboundFlowControl();
            controller = c;
            c.request(1);
        }

        @Override
        public void onResponse(Row row) {
            CompletableFuture<Void> handled = new CompletableFuture<>();
            lastRow = handled;
            CompletionStage<Boolean> next;
            try {
                next = handler.onRow(row);
            } catch (RuntimeException | Error e) {
                next = CompletableFuture.failedFuture(e);
            }
            next.whenComplete(
                    (more, error) -> {
                        if (error != null) {
                            cancel();
                            done.completeExceptionally(AsyncQueries.unwrap(error));
                            handled.complete(null);
                        } else if (Boolean.TRUE.equals(more)) {
                            handled.complete(null);
                            controller.request(1);
                        } else {
                            cancel();
                            done.complete(null);
                            handled.complete(null);
                        }
                    });
        }

        private void cancel() {
            if (!cancelled) {
                cancelled = true;
                controller.cancel();
            }
        }

        @Override
        public void onError(Throwable t) {
            if (cancelled) {
                return; // our own cancel after a stop or a consumer's error
            }
            StorageException mapped = BigtableErrors.map(t, "reading index rows", table);
            lastRow.whenComplete((v, e) -> done.completeExceptionally(mapped));
        }

        /**
         * The stream may end while the last row's stage is still pending (gax delivers the end
         * without demand): the end is handled once that row was.
         */
        @Override
        public void onComplete() {
            lastRow.whenComplete((v, e) -> end());
        }

        private void end() {
            if (done.isDone()) {
                return; // stopped or failed on the last row
            }
            CompletionStage<Void> end;
            try {
                end = handler.onEnd();
            } catch (RuntimeException | Error e) {
                end = CompletableFuture.failedFuture(e);
            }
            end.whenComplete(
                    (v, error) -> {
                        if (error != null) {
                            done.completeExceptionally(AsyncQueries.unwrap(error));
                        } else {
                            done.complete(null);
                        }
                    });
        }
    }

    /** A ReadRows stream whose errors surface as typed errors of {@code table}. */
    // ---- scans

    /**
     * Reads the table's rows with the prefix ({@code gcp}, {@code gcp-columnkey}, {@code bigtable}:
     * row keys start with the hash value, so the prefix is a row range) or all of them ({@code
     * bigtable-hashed}: row keys start with a hash of the hash value), latest cell per column.
     */
    @Override
    public void scan(String tableName, String hashPrefix, IndexScan consumer) {
        Query query =
                Query.create(TableId.of(tableName))
                        .filter(
                                FILTERS.chain()
                                        .filter(FILTERS.family().exactMatch(IndexLayout.FAMILY))
                                        .filter(FILTERS.limit().cellsPerColumn(1)));
        if (layout != IndexLayout.HASHED && !hashPrefix.isEmpty()) {
            query.range(ByteStringRange.prefix(ByteString.copyFromUtf8(hashPrefix)));
        }
        List<IndexEntry> page = new ArrayList<>();
        try (Rows rows = new Rows(query, tableName)) {
            for (Row row; (row = rows.next()) != null; ) {
                byte[] key = row.getKey().toByteArray();
                String hash;
                int hashEnd = key.length;
                int hashStart = 0;
                if (layout == IndexLayout.GCP) {
                    hashEnd = indexOf(key, IndexLayout.SEPARATOR);
                } else if (layout == IndexLayout.HASHED) {
                    hashStart = key.length > 16 && key[16] == '-' ? 17 : -1;
                }
                if (hashEnd < 0 || hashStart < 0) {
                    continue;
                }
                hash = new String(key, hashStart, hashEnd - hashStart, StandardCharsets.UTF_8);
                if (!hash.startsWith(hashPrefix)) {
                    continue;
                }
                for (RowCell cell : row.getCells()) {
                    byte[] range =
                            layout == IndexLayout.GCP
                                    ? java.util.Arrays.copyOfRange(key, hashEnd + 1, key.length)
                                    : cell.getQualifier().toByteArray();
                    page.add(new IndexEntry(tableName, hash, range, cell.getValue().toByteArray()));
                    if (layout == IndexLayout.GCP) {
                        break;
                    }
                }
                if (page.size() >= pageCells) {
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

    private static int indexOf(byte[] b, byte v) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public IndexScan.Mode scanMode() {
        return layout == IndexLayout.HASHED ? IndexScan.Mode.WHOLE_TABLE : IndexScan.Mode.PREFIX;
    }

    private final class Rows implements AutoCloseable {
        private final ServerStream<Row> stream;
        private final Iterator<Row> it;
        private final String table;
        private boolean finished;

        Rows(Query query, String table) {
            this.table = table;
            try {
                this.stream = data.readRows(query);
                this.it = stream.iterator();
            } catch (RuntimeException e) {
                throw BigtableErrors.map(e, "reading index rows", table);
            }
        }

        /** The next row, or null at the end. */
        Row next() {
            try {
                if (it.hasNext()) {
                    return it.next();
                }
                finished = true;
                return null;
            } catch (RuntimeException e) {
                finished = true;
                throw BigtableErrors.map(e, "reading index rows", table);
            }
        }

        /** Cancels the server stream unless it ended. */
        @Override
        public void close() {
            if (!finished) {
                stream.cancel();
            }
        }
    }

    private CompletableFuture<Void> readGcp(IndexQuery q, AsyncPageConsumer consumer) {
        ByteString base = layout.rowKeyPrefix(q.hashValue());
        RowHandler pages =
                new RowHandler() {
                    private ReadBatch.Builder page = new ReadBatch.Builder();

                    @Override
                    public CompletionStage<Boolean> onRow(Row row) {
                        if (!row.getKey().startsWith(base) || row.getCells().isEmpty()) {
                            return AsyncPageConsumer.MORE;
                        }
                        byte[] range = row.getKey().substring(base.size()).toByteArray();
                        byte[] value = row.getCells().get(0).getValue().toByteArray();
                        if (!q.matches(range, value)) {
                            return AsyncPageConsumer.MORE;
                        }
                        page.add(range, value);
                        if (page.size() >= pageCells || page.byteSize() >= MAX_GCP_PAGE_BYTES) {
                            ReadBatch full = page.build();
                            page = new ReadBatch.Builder();
                            return AsyncQueries.deliver(consumer, q, full);
                        }
                        return AsyncPageConsumer.MORE;
                    }

                    @Override
                    public CompletionStage<Void> onEnd() {
                        if (page.isEmpty()) {
                            return CompletableFuture.completedFuture(null);
                        }
                        return AsyncQueries.deliver(consumer, q, page.build()).thenApply(x -> null);
                    }
                };
        return new RowStream(q.tableName(), pages).start(IndexReads.gcpQuery(q));
    }

    /**
     * Reads up to 100 rows of queries sharing {@code conditions}, then continues, one row at a
     * time, the rows that filled a page.
     */
    private CompletableFuture<Void> readColumnKey(
            IndexQuery conditions,
            Map<ByteString, List<IndexQuery>> rows,
            AsyncPageConsumer consumer) {
        Set<IndexQuery> stopped =
                Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        int queries = rows.values().stream().mapToInt(List::size).sum();
        Map<ByteString, ByteString> unfinished = Collections.synchronizedMap(new LinkedHashMap<>());
        AtomicReference<Throwable> failed = new AtomicReference<>();
        RowHandler firstPages =
                new RowHandler() {
                    @Override
                    public CompletionStage<Boolean> onRow(Row row) {
                        List<IndexQuery> qs = rows.get(row.getKey());
                        if (qs == null) {
                            return AsyncPageConsumer.MORE;
                        }
                        return deliver(conditions, row, qs, stopped, failed, consumer)
                                .thenApply(
                                        last -> {
                                            if (last != null) {
                                                unfinished.put(row.getKey(), last);
                                            }
                                            return stopped.size() < queries;
                                        });
                    }

                    @Override
                    public CompletionStage<Void> onEnd() {
                        return CompletableFuture.completedFuture(null);
                    }
                };
        return new RowStream(conditions.tableName(), firstPages)
                .start(IndexReads.columnKeyQuery(conditions, rows.keySet(), null, pageCells))
                .thenCompose(
                        v -> {
                            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
                            List<Map.Entry<ByteString, ByteString>> rest;
                            synchronized (unfinished) {
                                rest = new ArrayList<>(unfinished.entrySet());
                            }
                            for (Map.Entry<ByteString, ByteString> u : rest) {
                                List<IndexQuery> qs = rows.get(u.getKey());
                                chain =
                                        chain.thenCompose(
                                                x ->
                                                        continueRow(
                                                                conditions,
                                                                u.getKey(),
                                                                u.getValue(),
                                                                qs,
                                                                stopped,
                                                                failed,
                                                                consumer));
                            }
                            return chain;
                        })
                .thenCompose(
                        v ->
                                failed.get() == null
                                        ? CompletableFuture.<Void>completedFuture(null)
                                        : CompletableFuture.<Void>failedFuture(failed.get()));
    }

    /** Reads a wide row on from the qualifier {@code after}, a page per request, until it ends. */
    private CompletableFuture<Void> continueRow(
            IndexQuery conditions,
            ByteString key,
            ByteString after,
            List<IndexQuery> qs,
            Set<IndexQuery> stopped,
            AtomicReference<Throwable> failed,
            AsyncPageConsumer consumer) {
        if (stopped.containsAll(qs)) {
            return CompletableFuture.completedFuture(null);
        }
        AtomicReference<ByteString> next = new AtomicReference<>();
        RowHandler onePage =
                new RowHandler() {
                    @Override
                    public CompletionStage<Boolean> onRow(Row row) {
                        if (!row.getKey().equals(key)) {
                            return AsyncPageConsumer.MORE;
                        }
                        return deliver(conditions, row, qs, stopped, failed, consumer)
                                .thenApply(
                                        last -> {
                                            next.set(last);
                                            return true;
                                        });
                    }

                    @Override
                    public CompletionStage<Void> onEnd() {
                        return CompletableFuture.completedFuture(null);
                    }
                };
        return new RowStream(conditions.tableName(), onePage)
                .start(IndexReads.columnKeyQuery(conditions, List.of(key), after, pageCells))
                .thenCompose(
                        v ->
                                next.get() == null
                                        ? CompletableFuture.completedFuture(null)
                                        : continueRow(
                                                conditions,
                                                key,
                                                next.get(),
                                                qs,
                                                stopped,
                                                failed,
                                                consumer));
    }

    /**
     * Delivers one page (a row's cells) to each query of the row still reading, and completes when
     * all have answered.
     *
     * @return the last qualifier when the page was full and some query still reads the row, else
     *     null
     */
    private CompletableFuture<ByteString> deliver(
            IndexQuery conditions,
            Row row,
            List<IndexQuery> queries,
            Set<IndexQuery> stopped,
            AtomicReference<Throwable> failed,
            AsyncPageConsumer consumer) {
        List<RowCell> cells = row.getCells();
        ReadBatch.Builder page = new ReadBatch.Builder();
        for (RowCell cell : cells) {
            if (!IndexLayout.FAMILY.equals(cell.getFamily())) {
                continue;
            }
            byte[] range = cell.getQualifier().toByteArray();
            byte[] value = cell.getValue().toByteArray();
            if (conditions.matches(range, value)) {
                page.add(range, value);
            }
        }
        ReadBatch batch = page.isEmpty() ? null : page.build();
        List<CompletableFuture<Boolean>> answers = new ArrayList<>(queries.size());
        for (IndexQuery q : queries) {
            if (stopped.contains(q)) {
                continue;
            }
            if (batch == null) {
                answers.add(CompletableFuture.completedFuture(true));
                continue;
            }
            answers.add(
                    AsyncQueries.deliver(consumer, q, batch)
                            .toCompletableFuture()
                            .handle(
                                    (more, error) -> {
                                        if (error != null) {
                                            // that query fails; the others of the request go on
                                            failed.compareAndSet(null, AsyncQueries.unwrap(error));
                                        }
                                        if (error != null || !Boolean.TRUE.equals(more)) {
                                            stopped.add(q);
                                            return false;
                                        }
                                        return true;
                                    }));
        }
        ByteString last = cells.isEmpty() ? null : cells.get(cells.size() - 1).getQualifier();
        boolean full = cells.size() >= pageCells;
        return CompletableFuture.allOf(answers.toArray(CompletableFuture<?>[]::new))
                .thenApply(
                        v -> {
                            boolean reading = false;
                            for (CompletableFuture<Boolean> a : answers) {
                                reading |= a.join();
                            }
                            return reading && full ? last : null;
                        });
    }

    @Override
    public void close() {
        // The data client belongs to the backend.
    }
}
