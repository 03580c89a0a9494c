package io.chunkstore.conformance;

import static io.chunkstore.conformance.TestData.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.conformance.PageRecorder.Entry;
import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Scale and streaming (architecture: "streaming, never materialising"): a 100,000-entry row arrives
 * page by page, a consumer that returns {@code false} gets no more pages of that query while the
 * other queries of the call go on, and a call of 1,000 queries attributes every page to its own
 * query object and never delivers two pages of one query at once. Assertions are on page counts and
 * sizes, never on time.
 */
@RequiresFeature(Feature.INDEX)
public interface IndexStreamingContract extends BackendContract {

    /** Entries in the large row. */
    int LARGE_ROW = 100_000;

    /**
     * The largest page payload (range values plus values) accepted for a page that holds over half
     * a row.
     */
    long MAX_PAGE_BYTES = 1L << 20;

    private static byte[] rangeOf(int i) {
        return utf8(String.format("e%07d", i));
    }

    private static void writeRow(
            TestScope s, String table, String hash, int entries, int valueSize) {
        WriteBatch b = s.index().newWriteBatch();
        for (int i = 0; i < entries; i++) {
            byte[] value =
                    valueSize == 0
                            ? utf8(Integer.toString(i % 100))
                            : TestData.chunkPayload(s.random(), valueSize);
            b.add(table, hash, rangeOf(i), value);
            if (b.size() == 1000) {
                s.index().batchWrite(b);
                b = s.index().newWriteBatch();
            }
        }
        if (!b.isEmpty()) {
            s.index().batchWrite(b);
        }
    }

    private static void assertRangesInOrder(List<Entry> entries, int from, int count) {
        assertThat(entries).hasSize(count);
        for (int i = 0; i < count; i++) {
            byte[] want = rangeOf(from + i);
            byte[] got = entries.get(i).rangeValue();
            if (!Arrays.equals(want, got)) {
                throw new AssertionError(
                        "entry "
                                + i
                                + " is "
                                + TestData.show(got)
                                + ", expected "
                                + TestData.show(want));
            }
        }
    }

    /**
     * One hash with 100,000 entries: read whole, by prefix, from a start and by value, it arrives
     * complete and in order over several pages, none of which holds more than half the row.
     */
    @Test
    default void largeRowStreamsPageByPage(TestScope s, TestReporter reporter) {
        String table = s.newTable();
        writeRow(s, table, "big", LARGE_ROW, 0);

        IndexQuery whole = IndexQuery.row(table, "big");
        PageRecorder r = PageRecorder.read(s.index(), List.of(whole));
        List<List<Entry>> pages = r.pages(whole);
        int largest = pages.stream().mapToInt(List::size).max().orElse(0);
        reporter.publishEntry(
                Map.of(
                        "pages",
                        Integer.toString(pages.size()),
                        "largestPage",
                        Integer.toString(largest)));
        long largestBytes =
                pages.stream()
                        .mapToLong(
                                p ->
                                        p.stream()
                                                .mapToLong(
                                                        e ->
                                                                e.rangeValue().length
                                                                        + e.value().length)
                                                .sum())
                        .max()
                        .orElse(0);
        assertThat(pages.size())
                .as("pages for a row of %d entries", LARGE_ROW)
                .isGreaterThanOrEqualTo(2);
        // A page is bounded by its entry count or by its size: a backend (or the gRPC protocol)
        // that fills pages up
        // to a byte budget may put many small entries in one page, but never the whole row.
        assertThat(largest <= LARGE_ROW / 2 || largestBytes <= MAX_PAGE_BYTES)
                .as(
                        "largest page holds %d entries, %d bytes: pages must hold at most half the row or at most %d"
                                + " bytes",
                        largest, largestBytes, MAX_PAGE_BYTES)
                .isTrue();
        assertRangesInOrder(r.entries(whole), 0, LARGE_ROW);

        IndexQuery prefix = IndexQuery.builder(table, "big").rangeValuePrefix(utf8("e005")).build();
        assertRangesInOrder(PageRecorder.entries(s.index(), prefix), 50_000, 10_000);
        IndexQuery start =
                IndexQuery.builder(table, "big").rangeValueStart(rangeOf(90_000)).build();
        assertRangesInOrder(PageRecorder.entries(s.index(), start), 90_000, 10_000);
        IndexQuery value = IndexQuery.builder(table, "big").valueEqual(utf8("7")).build();
        List<Entry> sevens = PageRecorder.entries(s.index(), value);
        assertThat(sevens)
                .hasSize(LARGE_ROW / 100)
                .allSatisfy(e -> assertThat(e.value()).isEqualTo(utf8("7")));
        assertThat(sevens.get(0).rangeValue()).isEqualTo(rangeOf(7));
        assertThat(sevens.get(sevens.size() - 1).rangeValue()).isEqualTo(rangeOf(LARGE_ROW - 93));
    }

    /**
     * A consumer that returns {@code false} on the first page of a query gets no further page of
     * it, the page it got is the start of the row, and the other queries of the same call are
     * delivered completely. Stopping on page 2 gives exactly two pages.
     */
    @Test
    default void earlyStopEndsOnlyThatQuery(TestScope s) {
        String table = s.newTable();
        int rows = 20_000;
        writeRow(s, table, "stopped", rows, 256);
        writeRow(s, table, "full", 5_000, 256);
        writeRow(s, table, "small", 3, 0);
        List<Entry> wholeStopped =
                PageRecorder.entries(s.index(), IndexQuery.row(table, "stopped"));
        assertThat(wholeStopped).hasSize(rows);

        IndexQuery stopped = IndexQuery.row(table, "stopped");
        IndexQuery full = IndexQuery.row(table, "full");
        IndexQuery small = IndexQuery.row(table, "small");
        List<IndexQuery> queries = List.of(full, stopped, small);
        PageRecorder r = new PageRecorder(queries, (q, page, entries) -> q != stopped);
        s.index().queryPages(queries, r);
        r.assertContractKept();
        assertThat(r.pages(stopped))
                .as("pages delivered after returning false on the first")
                .hasSize(1);
        List<Entry> first = r.pages(stopped).get(0);
        assertThat(first.size()).as("the first page of a %d-entry row", rows).isLessThan(rows);
        assertThat(first).containsExactlyElementsOf(wholeStopped.subList(0, first.size()));
        assertRangesInOrder(r.entries(full), 0, 5_000);
        assertRangesInOrder(r.entries(small), 0, 3);

        List<IndexQuery> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(IndexQuery.row(table, "stopped"));
        }
        PageRecorder each = new PageRecorder(many, (q, page, entries) -> false);
        s.index().queryPages(many, each);
        each.assertContractKept();
        for (IndexQuery q : many) {
            assertThat(each.pages(q))
                    .as("pages of one of 20 equal queries stopped on page 1")
                    .hasSize(1);
        }

        PageRecorder two = new PageRecorder(List.of(stopped), (q, page, entries) -> page < 2);
        s.index().queryPages(List.of(stopped), two);
        two.assertContractKept();
        assertThat(two.pages(stopped)).as("pages when stopping on the second").hasSize(2);
        assertThat(two.entries(stopped))
                .containsExactlyElementsOf(wholeStopped.subList(0, two.entries(stopped).size()));
    }

    /**
     * 1,000 queries in one call: 994 small rows, 4 multi-page rows and 2 equal queries on one row.
     * Every query object gets exactly its own entries, equal queries each get theirs, and no
     * query's pages arrive concurrently.
     */
    @Test
    default void thousandQueriesInOneCallAreAttributedAndNeverConcurrentPerQuery(
            TestScope s, TestReporter reporter) {
        String table = s.newTable();
        int small = 994;
        WriteBatch b = s.index().newWriteBatch();
        for (int i = 0; i < small; i++) {
            for (int k = 0; k <= i % 3; k++) {
                b.add(table, "q" + i, utf8("q" + i + ":" + k), utf8(Integer.toString(i)));
            }
            if (b.size() >= 1000) {
                s.index().batchWrite(b);
                b = s.index().newWriteBatch();
            }
        }
        s.index().batchWrite(b);
        for (int j = 0; j < 4; j++) {
            writeRow(s, table, "big" + j, 5_000, 128);
        }

        List<IndexQuery> queries = new ArrayList<>();
        for (int i = 0; i < small; i++) {
            queries.add(IndexQuery.row(table, "q" + i));
        }
        for (int j = 0; j < 4; j++) {
            queries.add(IndexQuery.row(table, "big" + j));
        }
        IndexQuery twinA = IndexQuery.row(table, "q7");
        IndexQuery twinB = IndexQuery.row(table, "q7");
        queries.add(twinA);
        queries.add(twinB);
        assertThat(queries).hasSize(1000);

        PageRecorder r = new PageRecorder(queries).pauseAfterFirstPage(2_000_000);
        s.index().queryPages(queries, r);
        reporter.publishEntry("deliveryThreads", Integer.toString(r.threadCount()));
        r.assertContractKept();

        for (int i = 0; i < small; i++) {
            IndexQuery q = queries.get(i);
            List<Entry> got = r.entries(q);
            assertThat(got).as("entries of %s", q).hasSize(i % 3 + 1);
            for (int k = 0; k < got.size(); k++) {
                assertThat(got.get(k))
                        .as("entry %d of %s", k, q)
                        .isEqualTo(new Entry(utf8("q" + i + ":" + k), utf8(Integer.toString(i))));
            }
        }
        for (int j = 0; j < 4; j++) {
            assertRangesInOrder(r.entries(queries.get(small + j)), 0, 5_000);
        }
        List<Entry> q7 =
                List.of(new Entry(utf8("q7:0"), utf8("7")), new Entry(utf8("q7:1"), utf8("7")));
        assertThat(r.entries(twinA)).as("first of two equal queries").containsExactlyElementsOf(q7);
        assertThat(r.entries(twinB))
                .as("second of two equal queries")
                .containsExactlyElementsOf(q7);
        assertThat(r.entries(queries.get(7))).containsExactlyElementsOf(q7);
    }

    /** Waits for an asynchronous call; its error as thrown (a consumer's own included). */
    private static void await(CompletionStage<Void> call) {
        try {
            call.toCompletableFuture().get(300, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError("queryPagesAsync failed", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (TimeoutException e) {
            throw new AssertionError("queryPagesAsync did not end within 300 s", e);
        }
    }

    /**
     * Entries per query collected by an asynchronous consumer that answers at once (or stops the
     * queries {@code stop} names after their first page).
     */
    private static Map<IndexQuery, List<Entry>> readAsync(
            TestScope s, List<IndexQuery> queries, Set<IndexQuery> stop) {
        Map<IndexQuery, List<Entry>> got = Collections.synchronizedMap(new IdentityHashMap<>());
        await(
                s.index()
                        .queryPagesAsync(
                                queries,
                                (q, page) -> {
                                    List<Entry> list =
                                            got.computeIfAbsent(q, k -> new ArrayList<>());
                                    ReadBatch.ReadBatchIterator it = page.iterator();
                                    while (it.next()) {
                                        list.add(new Entry(it.rangeValue(), it.value()));
                                    }
                                    return stop.contains(q)
                                            ? AsyncPageConsumer.STOP
                                            : AsyncPageConsumer.MORE;
                                }));
        return got;
    }

    /**
     * The asynchronous path's back-pressure: a consumer that defers every page (completing its
     * stage a little later on another thread) gets no next page of that query until it completed
     * the previous page's stage; the large row still arrives complete and in order, and so do the
     * other queries of the call.
     */
    @Test
    default void asyncConsumerThatDefersGetsNoPageBeforeItsStageCompletes(TestScope s) {
        String table = s.newTable();
        int rows = 20_000;
        writeRow(s, table, "large", rows, 256);
        writeRow(s, table, "small", 3, 0);
        IndexQuery large = IndexQuery.row(table, "large");
        IndexQuery small = IndexQuery.row(table, "small");
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        Map<IndexQuery, List<Entry>> got = Collections.synchronizedMap(new IdentityHashMap<>());
        Map<IndexQuery, Boolean> pending = new ConcurrentHashMap<>();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger pages = new AtomicInteger();
        try {
            await(
                    s.index()
                            .queryPagesAsync(
                                    List.of(large, small),
                                    (q, page) -> {
                                        if (pending.putIfAbsent(q, true) != null) {
                                            violations.add(
                                                    "a page of "
                                                            + q
                                                            + " arrived before the stage of the"
                                                            + " previous one completed");
                                        }
                                        if (q == large) {
                                            pages.incrementAndGet();
                                        }
                                        List<Entry> list =
                                                got.computeIfAbsent(q, k -> new ArrayList<>());
                                        ReadBatch.ReadBatchIterator it = page.iterator();
                                        while (it.next()) {
                                            list.add(new Entry(it.rangeValue(), it.value()));
                                        }
                                        CompletableFuture<Boolean> demand =
                                                new CompletableFuture<>();
                                        later.schedule(
                                                () -> {
                                                    pending.remove(q);
                                                    demand.complete(true);
                                                },
                                                2,
                                                TimeUnit.MILLISECONDS);
                                        return demand;
                                    }));
        } finally {
            later.shutdownNow();
        }
        assertThat(violations).isEmpty();
        assertThat(pages.get()).as("pages of a %d-entry row", rows).isGreaterThanOrEqualTo(2);
        assertRangesInOrder(got.get(large), 0, rows);
        assertRangesInOrder(got.get(small), 0, 3);
    }

    /**
     * {@link AsyncPageConsumer#STOP} on the first page of a query ends that query (no further page)
     * while the other queries of the call are delivered completely; an asynchronous consumer and
     * the blocking {@code queryPages} read the same entries.
     */
    @Test
    default void asyncStopEndsThatQueryAndBlockingReadsEqualAsyncReads(TestScope s) {
        String table = s.newTable();
        writeRow(s, table, "stopped", 20_000, 256);
        writeRow(s, table, "full", 5_000, 256);
        List<IndexQuery> queries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            s.index()
                    .batchWrite(
                            s.index()
                                    .newWriteBatch()
                                    .add(table, "r" + i, utf8("a"), utf8("v" + i))
                                    .add(table, "r" + i, utf8("b"), utf8("w" + i)));
            queries.add(IndexQuery.row(table, "r" + i));
        }
        IndexQuery stopped = IndexQuery.row(table, "stopped");
        IndexQuery full = IndexQuery.row(table, "full");
        queries.add(stopped);
        queries.add(full);
        queries.add(IndexQuery.builder(table, "full").rangeValuePrefix(utf8("e0001")).build());
        queries.add(IndexQuery.row(table, "missing-row"));

        Map<IndexQuery, List<Entry>> async = readAsync(s, queries, Set.of(stopped));
        List<Entry> first = async.get(stopped);
        assertThat(first.size())
                .as("entries of the first page of a stopped query")
                .isLessThan(20_000);
        assertRangesInOrder(first, 0, first.size());
        assertRangesInOrder(async.get(full), 0, 5_000);

        List<IndexQuery> unstopped = new ArrayList<>(queries);
        unstopped.remove(stopped);
        Map<IndexQuery, List<Entry>> asyncAll = readAsync(s, unstopped, Set.of());
        PageRecorder blocking = PageRecorder.read(s.index(), unstopped);
        for (IndexQuery q : unstopped) {
            assertThat(asyncAll.getOrDefault(q, List.of()))
                    .as("async entries of %s equal the blocking ones", q)
                    .containsExactlyElementsOf(blocking.entries(q));
        }
        assertThat(asyncAll.get(unstopped.get(0)))
                .containsExactly(
                        new Entry(utf8("a"), utf8("v0")), new Entry(utf8("b"), utf8("w0")));
    }

    /**
     * A consumer's thrown exception, and a stage it completes exceptionally, fail the call with
     * that very error, once the other queries of the call ran to their end; the blocking {@code
     * queryPages} throws the consumer's exception unchanged.
     */
    @Test
    default void asyncConsumerErrorsFailTheCallAfterTheOtherQueriesRan(TestScope s) {
        String table = s.newTable();
        writeRow(s, table, "other", 5_000, 256);
        writeRow(s, table, "bad", 10, 0);
        IndexQuery other = IndexQuery.row(table, "other");
        IndexQuery bad = IndexQuery.row(table, "bad");
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try {
            for (boolean thrown : new boolean[] {true, false}) {
                IllegalStateException boom =
                        new IllegalStateException(
                                thrown ? "thrown by the consumer" : "stage failed");
                Map<IndexQuery, List<Entry>> got =
                        Collections.synchronizedMap(new IdentityHashMap<>());
                CompletionStage<Void> call =
                        s.index()
                                .queryPagesAsync(
                                        List.of(bad, other),
                                        (q, page) -> {
                                            List<Entry> list =
                                                    got.computeIfAbsent(q, k -> new ArrayList<>());
                                            ReadBatch.ReadBatchIterator it = page.iterator();
                                            while (it.next()) {
                                                list.add(new Entry(it.rangeValue(), it.value()));
                                            }
                                            if (q != bad) {
                                                return AsyncPageConsumer.MORE;
                                            }
                                            if (thrown) {
                                                throw boom;
                                            }
                                            CompletableFuture<Boolean> demand =
                                                    new CompletableFuture<>();
                                            later.schedule(
                                                    () -> demand.completeExceptionally(boom),
                                                    5,
                                                    TimeUnit.MILLISECONDS);
                                            return demand;
                                        });
                Throwable error = null;
                try {
                    await(call);
                } catch (RuntimeException e) {
                    error = e;
                }
                assertThat(error).as("the call's error").isSameAs(boom);
                assertRangesInOrder(got.get(other), 0, 5_000);
            }
        } finally {
            later.shutdownNow();
        }
        IllegalStateException blockingBoom = new IllegalStateException("blocking consumer");
        PageRecorder rest = new PageRecorder(List.of(other));
        Throwable error = null;
        try {
            s.index()
                    .queryPages(
                            List.of(bad, other),
                            (q, page) -> {
                                if (q == bad) {
                                    throw blockingBoom;
                                }
                                return rest.onPage(q, page);
                            });
        } catch (RuntimeException e) {
            error = e;
        }
        assertThat(error).as("queryPages' error").isSameAs(blockingBoom);
        assertRangesInOrder(rest.entries(other), 0, 5_000);
    }
}
