package io.chunkstore.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.conformance.PageRecorder;
import io.chunkstore.conformance.PageRecorder.Entry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.WriteBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * What only the local index can show: its key layout, that early stop stops the disk scan, and its
 * lifecycle.
 */
class LocalIndexTest {
    @TempDir Path dir;

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private LocalIndex index;

    private LocalIndex open(LocalConfig config) {
        index = new LocalIndex(config, metrics, "test_");
        return index;
    }

    @AfterEach
    void close() {
        if (index != null) {
            index.close();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private double scanned() {
        return metrics.get("test_local_index_entries_scanned").counter().count();
    }

    private static void writeRow(LocalIndex index, String table, String hash, int n) {
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < n; i++) {
            batch.add(table, hash, b(String.format("r%06d", i)), b("v"));
        }
        index.batchWrite(batch);
    }

    @Test
    void anyHashStringIsItsOwnRowEvenWithZeroBytes() {
        LocalIndex idx = open(LocalConfig.under(dir));
        idx.createTable(TableDesc.named("t"));
        idx.batchWrite(
                new WriteBatch()
                        .add("t", "a\0b", b("c"), b("1"))
                        .add("t", "a", new byte[] {'b', 0, 'c'}, b("2"))
                        .add("t", "", b("empty"), b("3"))
                        .add("t", "\0", b("nul"), b("4")));
        assertThat(PageRecorder.entries(idx, IndexQuery.row("t", "a\0b")))
                .containsExactly(new Entry(b("c"), b("1")));
        assertThat(PageRecorder.entries(idx, IndexQuery.row("t", "a")))
                .containsExactly(new Entry(new byte[] {'b', 0, 'c'}, b("2")));
        assertThat(PageRecorder.entries(idx, IndexQuery.row("t", "")))
                .containsExactly(new Entry(b("empty"), b("3")));
        assertThat(PageRecorder.entries(idx, IndexQuery.row("t", "\0")))
                .containsExactly(new Entry(b("nul"), b("4")));
    }

    @Test
    void stoppingAfterTheFirstPageStopsTheDiskScan() {
        LocalIndex idx = open(LocalConfig.under(dir).withQueryPaging(100, 1 << 20));
        idx.createTable(TableDesc.named("t"));
        writeRow(idx, "t", "big", 10_000);
        double before = scanned();
        IndexQuery q = IndexQuery.row("t", "big");
        PageRecorder r = new PageRecorder(List.of(q), (qq, n, p) -> false);
        idx.queryPages(List.of(q), r);
        assertThat(r.pages(q)).hasSize(1);
        assertThat(r.pages(q).get(0)).hasSize(100);
        // A page is sent when the next entry would not fit, so one entry past the page has been
        // read.
        assertThat(scanned() - before)
                .as("entries read from RocksDB for a 10,000-entry row stopped on page 1")
                .isEqualTo(101);
        double beforeFull = scanned();
        assertThat(PageRecorder.entries(idx, q)).hasSize(10_000);
        assertThat(scanned() - beforeFull).isEqualTo(10_000);
    }

    @Test
    void aPrefixQueryScansOnlyItsPrefix() {
        LocalIndex idx = open(LocalConfig.under(dir));
        idx.createTable(TableDesc.named("t"));
        writeRow(idx, "t", "h", 5_000);
        double before = scanned();
        assertThat(
                        PageRecorder.entries(
                                idx,
                                IndexQuery.builder("t", "h").rangeValuePrefix(b("r0012")).build()))
                .hasSize(100);
        assertThat(scanned() - before)
                .as("entries read for a prefix matching 100 of 5,000")
                .isEqualTo(100);
    }

    @Test
    void queriesOfOneCallRunInParallelWithinTheBound() throws Exception {
        LocalIndex idx = open(LocalConfig.under(dir).withQueryConcurrency(3));
        idx.createTable(TableDesc.named("t"));
        List<IndexQuery> queries = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            writeRow(idx, "t", "h" + i, 3);
            queries.add(IndexQuery.row("t", "h" + i));
        }
        // Each page is held 5 ms by a consumer that defers: the queries holding a page at once
        // are the queries running at once.
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        java.util.concurrent.ScheduledExecutorService later =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            idx.queryPagesAsync(
                            queries,
                            (q, page) -> {
                                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                                java.util.concurrent.CompletableFuture<Boolean> demand =
                                        new java.util.concurrent.CompletableFuture<>();
                                later.schedule(
                                        () -> {
                                            running.decrementAndGet();
                                            demand.complete(true);
                                        },
                                        5,
                                        java.util.concurrent.TimeUnit.MILLISECONDS);
                                return demand;
                            })
                    .toCompletableFuture()
                    .get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            later.shutdownNow();
        }
        assertThat(most.get()).as("queries holding a page at once").isBetween(2, 3);

        // The blocking form runs its consumer on the calling thread only.
        java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger pages = new AtomicInteger();
        idx.queryPages(
                queries,
                (q, page) -> {
                    threads.add(Thread.currentThread());
                    pages.incrementAndGet();
                    return true;
                });
        assertThat(threads).containsExactly(Thread.currentThread());
        assertThat(pages.get()).isEqualTo(60);
    }

    @Test
    void aOneRowQueryRunsOnTheCallingThread() {
        LocalIndex idx = open(LocalConfig.under(dir));
        idx.createTable(TableDesc.named("t"));
        writeRow(idx, "t", "h", 3);
        java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.CompletionStage<Void> call =
                idx.queryPagesAsync(
                        List.of(IndexQuery.row("t", "h")),
                        (q, page) -> {
                            threads.add(Thread.currentThread());
                            return io.chunkstore.spi.AsyncPageConsumer.MORE;
                        });
        assertThat(call.toCompletableFuture()).as("ended before queryPagesAsync returned").isDone();
        assertThat(threads).containsExactly(Thread.currentThread());
    }

    @Test
    void pagesAreBoundedByBytesToo() {
        LocalIndex idx = open(LocalConfig.under(dir).withQueryPaging(1000, 4096));
        idx.createTable(TableDesc.named("t"));
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < 100; i++) {
            batch.add("t", "h", b(String.format("r%03d", i)), new byte[1000]);
        }
        idx.batchWrite(batch);
        IndexQuery q = IndexQuery.row("t", "h");
        PageRecorder r = PageRecorder.read(idx, List.of(q));
        assertThat(r.entries(q)).hasSize(100);
        assertThat(r.pages(q)).hasSize(25).allSatisfy(p -> assertThat(p).hasSize(4));
    }

    @Test
    void droppingATableWhileItIsBeingReadIsSafe() throws Exception {
        LocalIndex idx = open(LocalConfig.under(dir).withQueryPaging(100, 1 << 20));
        idx.createTable(TableDesc.named("t"));
        writeRow(idx, "t", "h", 1_000);
        CountDownLatch firstPage = new CountDownLatch(1);
        CountDownLatch dropped = new CountDownLatch(1);
        AtomicInteger entries = new AtomicInteger();
        CompletableFuture<Void> reader =
                CompletableFuture.runAsync(
                        () ->
                                idx.queryPages(
                                        List.of(IndexQuery.row("t", "h")),
                                        (q, page) -> {
                                            entries.addAndGet(page.size());
                                            firstPage.countDown();
                                            try {
                                                dropped.await(10, TimeUnit.SECONDS);
                                            } catch (InterruptedException e) {
                                                Thread.currentThread().interrupt();
                                            }
                                            return true;
                                        }));
        assertThat(firstPage.await(10, TimeUnit.SECONDS)).isTrue();
        idx.deleteTable("t");
        dropped.countDown();
        reader.get(10, TimeUnit.SECONDS);
        assertThat(entries.get())
                .as("the running query finishes on the snapshot it started with")
                .isEqualTo(1_000);
        assertThatThrownBy(() -> PageRecorder.entries(idx, IndexQuery.row("t", "h")))
                .isInstanceOf(TableNotFoundException.class);
        idx.createTable(TableDesc.named("t"));
        assertThat(PageRecorder.entries(idx, IndexQuery.row("t", "h"))).isEmpty();
    }

    @Test
    void closeWaitsForARunningQueryWhichThenStops() throws Exception {
        LocalIndex idx = open(LocalConfig.under(dir).withQueryPaging(100, 1 << 20));
        idx.createTable(TableDesc.named("t"));
        writeRow(idx, "t", "h", 1_000);
        CountDownLatch inConsumer = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> reader =
                CompletableFuture.runAsync(
                        () ->
                                idx.queryPages(
                                        List.of(IndexQuery.row("t", "h")),
                                        (q, page) -> {
                                            inConsumer.countDown();
                                            try {
                                                release.await(10, TimeUnit.SECONDS);
                                            } catch (InterruptedException e) {
                                                Thread.currentThread().interrupt();
                                            }
                                            return true;
                                        }));
        assertThat(inConsumer.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(idx::close);
        Thread.sleep(200);
        assertThat(closing).as("close waits while a consumer holds a page").isNotDone();
        release.countDown();
        closing.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> reader.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StorageException.class)
                .hasMessageContaining("closed while");
        assertThatThrownBy(() -> idx.createTable(TableDesc.named("u")))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("closed");
        idx.close();
    }

    @Test
    void aDirectoryLockedByAnOpenIndexIsRefusedWithAClearMessage() {
        open(LocalConfig.under(dir));
        assertThatThrownBy(() -> new LocalIndex(LocalConfig.under(dir), metrics, "other_"))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("in use");
    }

    @Test
    void aRocksDbNotWrittenByChunkstoreIsRefused() throws Exception {
        Path foreign = dir.resolve("index");
        try (Options o = new Options().setCreateIfMissing(true);
                RocksDB db = RocksDB.open(o, foreign.toString())) {
            db.put(LocalIndex.FORMAT_KEY, "99".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> new LocalIndex(LocalConfig.under(dir), metrics, "x_"))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("format 99");
        // The refused open released its lock and handles: a correct index can be opened there after
        // a fix.
        try (Options o = new Options();
                RocksDB db = RocksDB.open(o, foreign.toString())) {
            db.put(LocalIndex.FORMAT_KEY, LocalIndex.FORMAT_VERSION);
        }
        open(LocalConfig.under(dir)).createTable(TableDesc.named("t"));
        assertThat(index.listTables()).containsExactly("t");
    }

    @Test
    void openingAndClosingManyTimesLeaksNoFileDescriptors() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.Files.isDirectory(fds), "needs /proc (Linux)");
        LocalConfig config = LocalConfig.under(dir);
        for (int i = 0; i < 3; i++) { // warm up: library load, first directories
            cycle(config, i);
        }
        long before = countFds(fds);
        for (int i = 3; i < 23; i++) {
            cycle(config, i);
        }
        assertThat(countFds(fds))
                .as("open file descriptors after 20 open/write/read/close cycles")
                .isLessThanOrEqualTo(before + 2);
    }

    private void cycle(LocalConfig config, int i) {
        try (LocalIndex idx = new LocalIndex(config, metrics, "c" + i + "_")) {
            idx.createTable(TableDesc.named("t" + i));
            writeRow(idx, "t" + i, "h", 100);
            assertThat(PageRecorder.entries(idx, IndexQuery.row("t" + i, "h"))).hasSize(100);
            List<String> tables = new ArrayList<>(idx.listTables());
            assertThat(tables).hasSize(i + 1);
        }
    }

    private static long countFds(Path fds) throws java.io.IOException {
        try (var s = java.nio.file.Files.list(fds)) {
            return s.count();
        }
    }
}
