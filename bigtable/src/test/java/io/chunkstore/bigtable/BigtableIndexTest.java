package io.chunkstore.bigtable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.models.CreateTableRequest;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.testservers.RealServer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Index behaviour on the emulator that the shared suite does not pin down: pages bounded by the
 * page size in every layout (a small page here), at most 100 rows per ReadRows request, an early
 * stop cancelling the server stream, equal and different queries on one hash in one call, pages
 * delivered off the gRPC threads, and write failures reported entry by entry.
 */
@RealServer
class BigtableIndexTest {
    private static final int PAGE = 7;
    private static final String READ_ROWS = "/google.bigtable.v2.Bigtable/ReadRows";

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<BigtableBackend> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(BigtableBackend::close);
    }

    private BigtableBackend open(String store) {
        BigtableBackend b = Emulator.open(store, metrics, PAGE, Map.of());
        opened.add(b);
        return b;
    }

    private static String table(BigtableBackend b) {
        String t = Emulator.table("idx");
        b.tableClient().createTable(TableDesc.named(t));
        return t;
    }

    private static byte[] u(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String range(int i) {
        return String.format("e%04d", i);
    }

    private static void writeRow(BigtableBackend b, String t, String hash, int n, int valueBytes) {
        WriteBatch w = new WriteBatch();
        for (int i = 0; i < n; i++) {
            byte[] v = valueBytes == 0 ? u(Integer.toString(i % 10)) : new byte[valueBytes];
            w.add(t, hash, u(range(i)), v);
        }
        b.indexClient().batchWrite(w);
    }

    /** Pages per query, each page as its range values. */
    private static final class Recorder {
        final Map<IndexQuery, List<List<String>>> pages =
                Collections.synchronizedMap(new IdentityHashMap<>());
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        boolean onPage(IndexQuery q, ReadBatch page) {
            threads.add(Thread.currentThread().getName());
            List<String> ranges = new ArrayList<>();
            ReadBatch.ReadBatchIterator it = page.iterator();
            while (it.next()) {
                ranges.add(new String(it.rangeValue(), StandardCharsets.UTF_8));
            }
            pages.computeIfAbsent(q, k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(ranges);
            return true;
        }

        List<String> entries(IndexQuery q) {
            return pages.getOrDefault(q, List.of()).stream().flatMap(List::stream).toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gcp", "bigtable", "bigtable-hashed"})
    void pagesHoldAtMostThePageSizeForEveryKindOfQuery(String store) {
        BigtableBackend b = open(store);
        String t = table(b);
        writeRow(b, t, "h", 50, 0);
        IndexQuery whole = IndexQuery.row(t, "h");
        IndexQuery prefix = IndexQuery.builder(t, "h").rangeValuePrefix(u("e001")).build();
        IndexQuery start = IndexQuery.builder(t, "h").rangeValueStart(u("e0033")).build();
        IndexQuery value = IndexQuery.builder(t, "h").valueEqual(u("3")).build();
        IndexQuery startValue =
                IndexQuery.builder(t, "h").rangeValueStart(u("e0020")).valueEqual(u("3")).build();
        Recorder r = new Recorder();
        b.indexClient().queryPages(List.of(whole, prefix, start, value, startValue), r::onPage);
        for (IndexQuery q : List.of(whole, prefix, start, value, startValue)) {
            assertThat(r.pages.get(q))
                    .as("%s", q)
                    .allSatisfy(p -> assertThat(p).hasSizeBetween(1, PAGE));
        }
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(range(i));
        }
        assertThat(r.entries(whole)).isEqualTo(all);
        assertThat(r.pages.get(whole)).hasSize(8);
        assertThat(r.entries(prefix)).isEqualTo(all.subList(10, 20));
        assertThat(r.entries(start)).isEqualTo(all.subList(33, 50));
        assertThat(r.entries(value)).containsExactly("e0003", "e0013", "e0023", "e0033", "e0043");
        assertThat(r.entries(startValue)).containsExactly("e0023", "e0033", "e0043");
    }

    /**
     * gcp: a page also ends at about 8 MiB, so large values do not make a page of thousands of
     * them.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gcp"})
    void gcpPagesAreBoundedInBytes(String store) {
        BigtableBackend b =
                Emulator.open(store, metrics, BigtableIndexClient.DEFAULT_PAGE_CELLS, Map.of());
        opened.add(b);
        String t = table(b);
        writeRow(b, t, "big", 12, 1 << 20);
        Recorder r = new Recorder();
        IndexQuery q = IndexQuery.row(t, "big");
        b.indexClient().queryPages(List.of(q), r::onPage);
        assertThat(r.pages.get(q)).extracting(List::size).containsExactly(8, 4);
    }

    /**
     * 250 hash values with the same conditions: three ReadRows requests of at most 100 rows each.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bigtable", "bigtable-hashed"})
    void columnKeyReadsAskForAtMostAHundredRowsPerRequest(String store)
            throws InterruptedException {
        BigtableBackend b = open(store);
        String t = table(b);
        WriteBatch w = new WriteBatch();
        List<IndexQuery> queries = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            w.add(t, "h" + i, u("r"), u(Integer.toString(i)));
            queries.add(IndexQuery.builder(t, "h" + i).rangeValueStart(u("r")).build());
        }
        b.indexClient().batchWrite(w);
        long before = readRowsCalls();
        Recorder r = new Recorder();
        b.indexClient().queryPages(queries, r::onPage);
        assertThat(readRowsCallsSince(before, 3)).as("ReadRows requests for 250 rows").isEqualTo(3);
        for (IndexQuery q : queries) {
            assertThat(r.entries(q)).as("%s", q).containsExactly("r");
        }
    }

    /**
     * Two equal queries, and a query with other conditions, on one hash in one call: each gets its
     * own results.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gcp", "bigtable", "bigtable-hashed"})
    void queriesOnTheSameHashEachGetTheirOwnResults(String store) {
        BigtableBackend b = open(store);
        String t = table(b);
        writeRow(b, t, "h", 20, 0);
        IndexQuery a = IndexQuery.row(t, "h");
        IndexQuery twin = IndexQuery.row(t, "h");
        IndexQuery other = IndexQuery.builder(t, "h").rangeValuePrefix(u("e001")).build();
        Recorder r = new Recorder();
        b.indexClient().queryPages(List.of(a, twin, other), r::onPage);
        assertThat(r.entries(a)).hasSize(20);
        assertThat(r.entries(twin)).isEqualTo(r.entries(a));
        assertThat(r.entries(other)).hasSize(10).allMatch(s -> s.startsWith("e001"));
    }

    /** ReadRows calls recorded so far with that status ({@code null}: any). */
    private long readRowsCalls(String status) {
        var search = metrics.find("test_" + RequestMetrics.NAME).tags("operation", READ_ROWS);
        if (status != null) {
            search = search.tag("status_code", status);
        }
        return search.timers().stream().mapToLong(Timer::count).sum();
    }

    private long readRowsCalls() {
        return readRowsCalls(null);
    }

    /**
     * ReadRows calls with that status since {@code before}, once the count settles: a call is
     * recorded when gRPC closes it, which may come a moment after the client has handed over its
     * last row.
     */
    private long readRowsCallsSince(String status, long before, long expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (readRowsCalls(status) - before < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(50);
        return readRowsCalls(status) - before;
    }

    private long readRowsCallsSince(long before, long expected) throws InterruptedException {
        return readRowsCallsSince(null, before, expected);
    }

    /**
     * gcp: stopping on the first page of a long row cancels that query's ReadRows stream; the
     * others finish.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gcp"})
    void anEarlyStopCancelsTheStream(String store) throws InterruptedException {
        BigtableBackend b = open(store);
        String t = table(b);
        writeRow(b, t, "long", 2_000, 64);
        writeRow(b, t, "other", 30, 0);
        IndexQuery stop = IndexQuery.row(t, "long");
        IndexQuery full = IndexQuery.row(t, "other");
        long cancelledBefore = readRowsCalls("cancel");
        Recorder r = new Recorder();
        b.indexClient()
                .queryPages(List.of(stop, full), (q, page) -> r.onPage(q, page) && q != stop);
        assertThat(r.pages.get(stop)).hasSize(1);
        assertThat(r.entries(full)).hasSize(30);
        assertThat(readRowsCallsSince("cancel", cancelledBefore, 1))
                .as("cancelled ReadRows streams")
                .isEqualTo(1);
    }

    /**
     * Column-key layouts: a row comes a page of cells per request, so stopping a query ends its
     * reading: no further request for its row (a full read of that row takes one request per page),
     * while the other row of the same request is read to its end.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bigtable", "bigtable-hashed"})
    void anEarlyStopEndsTheRowsReading(String store) throws InterruptedException {
        BigtableBackend b = open(store);
        String t = table(b);
        writeRow(b, t, "long", 2_000, 64);
        writeRow(b, t, "other", 30, 0);
        IndexQuery stop = IndexQuery.row(t, "long");
        IndexQuery full = IndexQuery.row(t, "other");
        long callsBefore = readRowsCalls();
        Recorder r = new Recorder();
        b.indexClient()
                .queryPages(List.of(stop, full), (q, page) -> r.onPage(q, page) && q != stop);
        assertThat(r.pages.get(stop)).hasSize(1);
        assertThat(r.entries(full)).hasSize(30);
        int pagesOfOther = (30 + PAGE - 1) / PAGE;
        assertThat(readRowsCallsSince(callsBefore, pagesOfOther))
                .as("one shared request, then only the other row's pages")
                .isEqualTo(pagesOfOther);

        List<IndexQuery> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.add(IndexQuery.row(t, "long"));
        }
        long before = readRowsCalls();
        Recorder none = new Recorder();
        b.indexClient().queryPages(all, (q, page) -> !none.onPage(q, page));
        assertThat(all).allSatisfy(q -> assertThat(none.pages.get(q)).hasSize(1));
        assertThat(readRowsCallsSince(before, 1))
                .as("equal queries share one request; none continues")
                .isEqualTo(1);
    }

    /**
     * Pages arrive on the caller's thread or this backend's workers, never on a gRPC or gax thread.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gcp", "bigtable-hashed"})
    void pagesAreDeliveredOffTheGrpcThreads(String store) {
        BigtableBackend b = open(store);
        String t = table(b);
        List<IndexQuery> queries = new ArrayList<>();
        WriteBatch w = new WriteBatch();
        for (int i = 0; i < 300; i++) {
            w.add(t, "h" + i, u("r"), u("v"));
            queries.add(
                    IndexQuery.builder(t, "h" + i).valueEqual(i % 2 == 0 ? u("v") : null).build());
        }
        b.indexClient().batchWrite(w);
        Recorder r = new Recorder();
        b.indexClient().queryPages(queries, r::onPage);
        String caller = Thread.currentThread().getName();
        assertThat(r.threads)
                .isNotEmpty()
                .allSatisfy(
                        n ->
                                assertThat(
                                                n.equals(caller)
                                                        || n.startsWith(
                                                                "chunkstore-" + store + "-"))
                                        .as("thread %s", n)
                                        .isTrue());
        assertThat(queries).allSatisfy(q -> assertThat(r.entries(q)).containsExactly("r"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gcp", "bigtable", "bigtable-hashed"})
    void aFailedTableReportsExactlyItsEntriesAndTheOtherTableIsWritten(String store) {
        BigtableBackend b = open(store);
        String good = table(b);
        String missing = Emulator.table("missing");
        WriteBatch w =
                new WriteBatch()
                        .add(good, "h", u("a"), u("1"))
                        .add(missing, "h", u("a"), u("2"))
                        .add(missing, "h2", u("b"), u("3"))
                        .delete(good, "h", u("zz"));
        assertThatThrownBy(() -> b.indexClient().batchWrite(w))
                .isInstanceOfSatisfying(
                        IndexWriteException.class,
                        e -> {
                            assertThat(e.notWrittenPuts())
                                    .extracting(IndexEntry::tableName)
                                    .containsOnly(missing)
                                    .hasSize(2);
                            assertThat(e.notWrittenDeletes())
                                    .as("deletes wait for every put")
                                    .hasSize(1);
                            assertThat(e.getCause())
                                    .isInstanceOfSatisfying(
                                            TableNotFoundException.class,
                                            c -> assertThat(c.tableName()).isEqualTo(missing));
                            assertThat(e.getMessage()).contains("2 of 3 index puts", missing);
                        });
        Recorder r = new Recorder();
        b.indexClient().queryPages(List.of(IndexQuery.row(good, "h")), r::onPage);
        assertThat(r.entries(IndexQuery.row(good, "h")))
                .isEmpty(); // a fresh query object has no pages
        assertThat(r.pages.values()).flatExtracting(p -> p).containsExactly(List.of("a"));
    }

    /**
     * A table without family {@code f} (not made by Cortex or chunkstore): the write fails and says
     * why.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gcp", "bigtable"})
    void aTableWithoutFamilyFFailsTheWriteWithAHint(String store) {
        BigtableBackend b = open(store);
        String t = Emulator.table("nofamily");
        try (BigtableTableAdminClient admin = Emulator.admin()) {
            admin.createTable(CreateTableRequest.of(t).addFamily("other"));
        }
        WriteBatch w = new WriteBatch().add(t, "h", u("a"), u("1"));
        assertThatThrownBy(() -> b.indexClient().batchWrite(w))
                .isInstanceOfSatisfying(
                        IndexWriteException.class,
                        e -> {
                            assertThat(e.notWrittenPuts()).hasSize(1);
                            assertThat(e.getMessage()).contains("column family 'f'");
                        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"bigtable", "bigtable-hashed"})
    void deletesAreAppliedAfterPutsOfTheSameCellAndDuplicatePutsKeepTheLast(String store) {
        BigtableBackend b = open(store);
        String t = table(b);
        WriteBatch w =
                new WriteBatch()
                        .add(t, "h", u("a"), u("first"))
                        .add(t, "h", u("a"), u("second"))
                        .add(t, "h", u("b"), u("kept"))
                        .delete(t, "h", u("b"))
                        .add(t, "h", u("b"), u("gone"));
        b.indexClient().batchWrite(w);
        Map<String, String> row = new ConcurrentHashMap<>();
        b.indexClient()
                .queryPages(
                        List.of(IndexQuery.row(t, "h")),
                        (q, page) -> {
                            ReadBatch.ReadBatchIterator it = page.iterator();
                            while (it.next()) {
                                row.put(
                                        Bytes.hex(it.rangeValue()),
                                        new String(it.value(), StandardCharsets.UTF_8));
                            }
                            return true;
                        });
        assertThat(row).containsExactly(Map.entry(Bytes.hex(u("a")), "second"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gcp"})
    void theGcpLayoutRefusesHashValuesWithAZeroByte(String store) {
        BigtableBackend b = open(store);
        String t = table(b);
        assertThatThrownBy(
                        () ->
                                b.indexClient()
                                        .batchWrite(
                                                new WriteBatch().add(t, "a\0b", u("r"), u("v"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("0x00");
    }
}
