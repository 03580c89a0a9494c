package io.chunkstore.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.conformance.PageRecorder;
import io.chunkstore.conformance.TestData;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads at once: writers, readers, chunk traffic and table churn on one store. Every batch
 * is seen whole or not at all (one RocksDB write batch per call), every chunk read is complete, and
 * nothing fails.
 */
class LocalConcurrencyTest {
    @TempDir Path dir;

    private static final int WRITERS = 4;
    private static final int BATCHES = 150;
    private static final int ENTRIES_PER_BATCH = 10;

    /** Each concurrent task goes on at least this long, even when the writers finish first. */
    private static final int MIN_ROUNDS = 5;

    @Test
    void writersReadersChunksAndTableChurnTogether() throws Exception {
        LocalConfig config = LocalConfig.under(dir).withSyncWrites(false).withQueryConcurrency(4);
        try (LocalBackend b = LocalBackend.open(config, new SimpleMeterRegistry(), "")) {
            b.tableClient().createTable(TableDesc.named("t"));
            AtomicInteger[] written = new AtomicInteger[WRITERS];
            for (int w = 0; w < WRITERS; w++) {
                written[w] = new AtomicInteger();
            }
            AtomicBoolean done = new AtomicBoolean();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 4);
            List<Future<?>> writers = new ArrayList<>();
            List<Future<Integer>> others = new ArrayList<>();
            try {
                for (int w = 0; w < WRITERS; w++) {
                    int id = w;
                    writers.add(
                            pool.submit(
                                    () -> {
                                        start.await();
                                        for (int i = 0; i < BATCHES; i++) {
                                            WriteBatch batch = new WriteBatch();
                                            for (int k = 0; k < ENTRIES_PER_BATCH; k++) {
                                                batch.add(
                                                        "t",
                                                        "w" + id + "-" + i,
                                                        ("r" + k).getBytes(StandardCharsets.UTF_8),
                                                        ("v" + i).getBytes(StandardCharsets.UTF_8));
                                            }
                                            b.indexClient().batchWrite(batch);
                                            written[id].set(i + 1);
                                        }
                                        return null;
                                    }));
                }
                for (int r = 0; r < 2; r++) {
                    others.add(
                            pool.submit(
                                    () -> {
                                        start.await();
                                        int reads = 0;
                                        while (!done.get() || reads < MIN_ROUNDS) {
                                            List<IndexQuery> queries = new ArrayList<>();
                                            List<Integer> knownWritten = new ArrayList<>();
                                            for (int q = 0; q < 20; q++) {
                                                int w =
                                                        ThreadLocalRandom.current()
                                                                .nextInt(WRITERS);
                                                int i =
                                                        ThreadLocalRandom.current()
                                                                .nextInt(BATCHES);
                                                queries.add(IndexQuery.row("t", "w" + w + "-" + i));
                                                knownWritten.add(written[w].get() > i ? 1 : 0);
                                            }
                                            PageRecorder rec =
                                                    PageRecorder.read(b.indexClient(), queries);
                                            for (int q = 0; q < queries.size(); q++) {
                                                int n = rec.entries(queries.get(q)).size();
                                                if (n != 0 && n != ENTRIES_PER_BATCH) {
                                                    throw new AssertionError(
                                                            "saw "
                                                                    + n
                                                                    + " of a "
                                                                    + ENTRIES_PER_BATCH
                                                                    + "-entry batch: "
                                                                    + queries.get(q));
                                                }
                                                if (knownWritten.get(q) == 1 && n == 0) {
                                                    throw new AssertionError(
                                                            "a finished write is not visible: "
                                                                    + queries.get(q));
                                                }
                                            }
                                            reads++;
                                        }
                                        return reads;
                                    }));
                }
                others.add(
                        pool.submit(
                                () -> {
                                    start.await();
                                    Random rnd = new Random();
                                    int rounds = 0;
                                    while (!done.get() || rounds < MIN_ROUNDS) {
                                        List<EncodedChunk> chunks =
                                                TestData.chunks(
                                                        rnd, "u" + rounds, "", 20, 100, 20_000);
                                        b.chunkClient().putChunks(chunks);
                                        assertThat(
                                                        b.chunkClient()
                                                                .getChunks(
                                                                        chunks.stream()
                                                                                .map(
                                                                                        EncodedChunk
                                                                                                ::location)
                                                                                .toList()))
                                                .containsExactlyInAnyOrderElementsOf(chunks);
                                        b.chunkClient().deleteChunk(chunks.get(0).location());
                                        try {
                                            b.chunkClient()
                                                    .getChunks(List.of(chunks.get(0).location()));
                                            throw new AssertionError("a deleted chunk was read");
                                        } catch (ChunkFetchException expected) {
                                            // deleted
                                        }
                                        rounds++;
                                    }
                                    return rounds;
                                }));
                others.add(
                        pool.submit(
                                () -> {
                                    start.await();
                                    int rounds = 0;
                                    while (!done.get() || rounds < MIN_ROUNDS) {
                                        String name = "churn" + (rounds % 3);
                                        b.tableClient().createTable(TableDesc.named(name));
                                        b.indexClient()
                                                .batchWrite(
                                                        new WriteBatch()
                                                                .add(
                                                                        name,
                                                                        "h",
                                                                        new byte[] {1},
                                                                        null));
                                        b.tableClient().deleteTable(name);
                                        rounds++;
                                    }
                                    return rounds;
                                }));
                start.countDown();
                for (Future<?> f : writers) {
                    f.get();
                }
            } finally {
                done.set(true);
                for (Future<Integer> f : others) {
                    assertThat(f.get())
                            .as("rounds of a concurrent reader or churner")
                            .isGreaterThanOrEqualTo(MIN_ROUNDS);
                }
                pool.shutdownNow();
            }
            List<IndexQuery> all = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                for (int i = 0; i < BATCHES; i++) {
                    all.add(IndexQuery.row("t", "w" + w + "-" + i));
                }
            }
            PageRecorder rec = PageRecorder.read(b.indexClient(), all);
            for (IndexQuery q : all) {
                assertThat(rec.entries(q)).as("%s", q).hasSize(ENTRIES_PER_BATCH);
            }
            assertThat(b.tableClient().listTables()).containsExactly("t");
        }
    }
}
